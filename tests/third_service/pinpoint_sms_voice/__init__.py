"""Amazon Pinpoint SMS and Voice (botocore's ``pinpoint-sms-voice``), a third AWS service
served by the same engine and interception as the campaigns APIs, from this folder alone
(registered by one line: ``register("third_service.pinpoint_sms_voice")``).

It was chosen for what it does not share with them: its host (``sms-voice.pinpoint``), its
signing name (``sms-voice``), its capitalised members, its own errors, a page size sent as a
string. Four operations have rules; the event-destination operations are answered 501
``NotImplemented`` by the engine, after their requests are validated against the model.
"""

from ._description import DESCRIPTION, SERVICE, SmsVoice

__all__ = ["DESCRIPTION", "SERVICE", "SmsVoice"]
