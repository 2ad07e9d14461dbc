"""No log line may carry an 18-digit ID number: a filter masks them on every handler."""

import logging

from core.idnumbers import mask_id_numbers


class MaskIdNumbersFilter(logging.Filter):
    """Rewrites a record's message, exception and stack text with ID numbers masked.

    The message is formatted here (args folded in), so an ID passed as an argument is
    masked too. Attach it to handlers, not loggers: records propagated from child
    loggers skip the filters of their ancestors' loggers but not of their handlers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still logged, as Django would
            message = str(record.msg)
        record.msg = mask_id_numbers(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_id_numbers(record.stack_info)
        return True


def install_on(logger: logging.Logger) -> None:
    """Add the filter to every handler of ``logger`` that lacks it."""
    for handler in logger.handlers:
        if not any(isinstance(f, MaskIdNumbersFilter) for f in handler.filters):
            handler.addFilter(MaskIdNumbersFilter())


def connect_celery_signals() -> None:
    # A Celery worker replaces the root handlers with its own: mask on those as well.
    from celery.signals import after_setup_logger, after_setup_task_logger

    def on_setup(logger=None, **kwargs):
        if logger is not None:
            install_on(logger)
        install_on(logging.getLogger())

    after_setup_logger.connect(on_setup, weak=False, dispatch_uid="security.mask_id_numbers")
    after_setup_task_logger.connect(on_setup, weak=False, dispatch_uid="security.mask_id_numbers.task")
