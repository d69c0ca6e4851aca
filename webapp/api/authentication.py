"""HTTP Basic for the API that says so when django-axes has locked the account at this address.

axes refuses the login either way (its backend runs first); DRF's own answer would be "wrong user name or
password" even for the right password, which sends people hunting for a typo.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.authentication import BasicScheme
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed


class LockoutAwareBasicAuthentication(BasicAuthentication):
    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> Any:
        try:
            return super().authenticate_credentials(userid, password, request)
        except AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                raise AuthenticationFailed(
                    _("Too many wrong passwords: this account is locked for logins from this address for 30 minutes.")
                ) from None
            raise


class LockoutAwareBasicScheme(BasicScheme):
    """The schema shows it as the HTTP Basic it is."""

    target_class = LockoutAwareBasicAuthentication
