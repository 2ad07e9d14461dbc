"""The exporters the portal offers, by identifier: a plain tuple, no plugin machinery."""

from functools import cache

from .exporters import BaseExporter


def _exporters() -> tuple[type[BaseExporter], ...]:
    # Imported here: exporters import app models, and this module is imported by core.
    from activities.exporters import ActivityExporter
    from branches.exporters import OrganisationExporter
    from honours.exporters import HonourExporter
    from members.exporters import MemberExporter
    from obligations.exporters import ComplianceExporter, ReminderExporter
    from resources.exporters import ResourceExporter

    return (
        OrganisationExporter,
        MemberExporter,
        ActivityExporter,
        HonourExporter,
        ComplianceExporter,
        ReminderExporter,
        ResourceExporter,
    )


@cache
def registry() -> dict[str, type[BaseExporter]]:
    return {cls.identifier: cls for cls in _exporters()}


def get_exporter(identifier: str) -> BaseExporter:
    try:
        return registry()[identifier]()
    except KeyError as exc:
        raise LookupError(f"Unknown exporter {identifier!r}") from exc
