"""Reminder channels beside the inbox and e-mail: group robots (企业微信, 钉钉) and SMS.

``config`` resolves which channels an organisation's reminders use (inherited down the tree)
and keeps the secrets encrypted; ``texts`` writes each channel's message within its limits;
``robots`` and ``sms`` speak to the platforms. The ledger that sends each once lives in
``obligations.services.deliveries``.
"""


class ChannelError(Exception):
    """A platform refused or could not be reached: recorded on the delivery, retried later."""


class RateLimited(ChannelError):
    """The robot's per-minute allowance is used up: the delivery waits, it has not failed."""
