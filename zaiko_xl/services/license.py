"""License key check, run at the start of every command that talks to RMS."""

from __future__ import annotations

from datetime import datetime

from zaiko_xl.domain.rms import LicenseLevel, LicenseStatus, license_status
from zaiko_xl.errors import FunctionNotEnabled, LicenseExpired, LicenseRejected
from zaiko_xl.ports import RmsLicense


def check_license(license: RmsLicense, *, now: datetime, warn_days: int) -> LicenseStatus:
    """The key's status: OK, WARNING (within ``warn_days``), EXPIRED, REJECTED or UNKNOWN.

    Never raises for an expired or rejected key (the status says so, so the CLI and the
    workbook status cell can show it); network and other API errors do raise.

    Args:
        license: the RmsLicense port.
        now: the current JST time (timezone-naive).
        warn_days: warn from this many calendar days before expiry (Settings.rms.license_warn_days).
    """
    try:
        expiry = license.expiry()
    except LicenseRejected as exc:
        reason = f"HTTP {exc.context.get('status')} {exc.context.get('rms_code')}"
        return LicenseStatus(LicenseLevel.REJECTED, reason=reason, error=exc)
    except FunctionNotEnabled as exc:
        return LicenseStatus(LicenseLevel.UNKNOWN, reason=str(exc.context.get("function")), error=exc)
    return license_status(expiry, now, warn_days)


def require_usable_license(status: LicenseStatus) -> None:
    """Stop the run for an expired (E303) or rejected (E310) key; both say how to renew it."""
    if status.level is LicenseLevel.EXPIRED:
        raise LicenseExpired(expiry=status.expiry.strftime("%Y-%m-%d %H:%M") if status.expiry else "?")
    if status.level is LicenseLevel.REJECTED:
        if isinstance(status.error, LicenseRejected):
            raise status.error
        raise LicenseRejected(endpoint="license.expiryDate.get", status=401, rms_code=status.reason)
