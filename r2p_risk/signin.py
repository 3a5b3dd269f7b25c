"""Who is signing in, decided by pure rules: an OpenID Connect account from its claims, an identity from the
headers of an authenticating proxy, and whether a sign-in mode may start at all.

- OIDC: a person is their provider account, the issuer and subject of the identity token (`OidcAccount`),
  never an e-mail address, which many providers let people set to anything. The e-mail counts only when the
  provider says it is verified (`email_verified`), and then only to find the user it names once.
- Header mode: the proxy must send its shared secret (`R2P_RISK_AUTH_PROXY_SECRET`) in its own header with
  every request, unless the app listens on a unix socket only the proxy can reach; every header must come
  exactly once (a proxy that appends to a header a client sent, instead of replacing it, is refused); and
  the app must not listen on a wildcard address, where anybody on the network could connect directly.
- Single-user mode (`none`) makes every visitor the built-in admin, so it refuses a database that holds
  users or access rules: that database belongs to a team deployment.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import ValidationError

from r2p_risk.access import normalise_identity
from r2p_risk.errors import Problem, SignInRefused
from r2p_risk.models import StrictModel, TextRules
from r2p_risk.settings import Settings, secret_problems

UNIX_SOCKET = "unix://"
# the addresses that mean "every interface", which sign-in refuses to run on
WILDCARD_ADDRESSES = {"", "0.0.0.0", "::", "[::]", "*", "0:0:0:0:0:0:0:0", "::0"}  # noqa: S104
MAX_IDENTITY = 200


class OidcAccount(StrictModel):
    """An account of an identity provider, as its identity token names it."""

    issuer: Annotated[str, TextRules(500, min_length=1)]
    subject: Annotated[str, TextRules(255, min_length=1)]
    email: Annotated[str, TextRules(MAX_IDENTITY)] | None = None  # normalised; None unless the provider verified it
    email_verified: bool = False

    @property
    def fallback_identity(self) -> str:
        """The identity of a user who has no verified e-mail of their own here: the provider's host and the subject."""
        parts = urlsplit(self.issuer)
        host = ((parts.hostname or "") + parts.path.rstrip("/")) or self.issuer
        subject = (
            self.subject
            if self.subject == self.subject.lower()
            else hashlib.sha256(self.subject.encode()).hexdigest()[:24]
        )
        identity = f"oidc:{host}:{subject}"
        return (
            identity if len(identity) <= MAX_IDENTITY else f"oidc:{hashlib.sha256(identity.encode()).hexdigest()[:40]}"
        )

    def candidate_identities(self) -> list[str]:
        """The identities this account may have here, in the order they are tried."""
        return ([self.email] if self.email and self.email_verified else []) + [self.fallback_identity]


def account_from_claims(claims: Mapping) -> OidcAccount:
    """The provider account of a signed-in `st.user`; SignInRefused when the token names no issuer or subject."""
    issuer, subject = str(claims.get("iss") or "").strip(), str(claims.get("sub") or "").strip()
    missing = [
        Problem("missing_claim", claim, "the identity provider sent no such claim in the identity token")
        for claim, value in (("iss", issuer), ("sub", subject))
        if not value
    ]
    if missing:
        raise SignInRefused(missing, "the identity provider did not say who this is")
    verified = _verified(claims.get("email_verified"))
    email = normalise_identity(str(claims.get("email") or "")) if verified else ""
    try:
        return OidcAccount(issuer=issuer, subject=subject, email=email or None, email_verified=verified and bool(email))
    except ValidationError as error:  # a claim too long, or holding control characters
        raise SignInRefused(
            [Problem("bad_claim", "identity token", str(error).splitlines()[0])],
            "the identity provider sent an identity r2p-risk cannot use",
        ) from None


def _verified(value) -> bool:
    """`email_verified` as providers send it: a JSON boolean, or (some) the string "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def groups_from(values: Iterable) -> list[str]:
    return sorted({str(value).strip() for value in values if str(value).strip()})


def identity_from_headers(
    headers: Iterable[tuple[str, str]] | Mapping[str, str], settings: Settings
) -> tuple[str, list[str]] | None:
    """The identity and groups the proxy set, or None when it set no identity; SignInRefused when the request
    did not come from the proxy (its secret missing or wrong) or a header came more than once."""
    pairs = list(headers.items() if isinstance(headers, Mapping) else headers)

    def values(name: str) -> list[str]:
        return [value for key, value in pairs if key.lower() == name.lower()]

    secret = settings.auth_proxy_secret
    if secret is not None:
        sent = values(settings.auth_proxy_secret_header)
        if len(sent) != 1 or not hmac.compare_digest(sent[0].encode(), secret.get_secret_value().encode()):
            raise SignInRefused(
                [
                    Problem(
                        "not_from_proxy",
                        settings.auth_proxy_secret_header,
                        "the request did not come through this deployment's sign-in proxy",
                    )
                ],
                "not signed in by the proxy",
            )
    identities, groups = values(settings.auth_header), values(settings.auth_groups_header)
    for name, found in ((settings.auth_header, identities), (settings.auth_groups_header, groups)):
        if len(found) > 1:
            raise SignInRefused(
                [
                    Problem(
                        "repeated_header",
                        name,
                        f"the request carries this header {len(found)} times; "
                        "the proxy must replace it, never add to what a client sent",
                    )
                ],
                "ambiguous identity",
            )
    identity = identities[0].strip() if identities else ""
    if "," in identity:
        raise SignInRefused(
            [
                Problem(
                    "repeated_header",
                    settings.auth_header,
                    "holds several values; the proxy must replace this header, never add to what a client sent",
                )
            ],
            "ambiguous identity",
        )
    if not identity:
        return None
    return identity, groups_from(groups[0].split(",") if groups else [])


def listens_on_wildcard(server_address: str | None) -> bool:
    return (server_address or "").strip() in WILDCARD_ADDRESSES


def header_mode_problems(settings: Settings, server_address: str | None) -> list[Problem]:
    """Why header mode may not start: a wildcard address, or no strong proxy secret off a unix socket."""
    problems = []
    if listens_on_wildcard(server_address):
        problems.append(
            Problem(
                "wildcard_address",
                "server.address",
                f"is {server_address or 'not set'!r}: the app would "
                "listen on every network interface, where anybody could connect without the proxy and "
                "claim any identity; set it to 127.0.0.1, the one address the proxy reaches, or a unix socket",
            )
        )
    on_socket = (server_address or "").startswith(UNIX_SOCKET)
    secret = settings.auth_proxy_secret.get_secret_value() if settings.auth_proxy_secret else None
    if secret is not None or not on_socket:
        problems += [
            Problem(
                p.code,
                "R2P_RISK_AUTH_PROXY_SECRET",
                p.message
                + (
                    ": the proxy must send it in " + settings.auth_proxy_secret_header
                    if p.code == "missing_secret"
                    else ""
                ),
            )
            for p in secret_problems(secret, "R2P_RISK_AUTH_PROXY_SECRET")
        ]
    return problems


def single_user_problems(settings: Settings, holds_team_data: bool) -> list[Problem]:
    """Why single-user mode may not start on this database."""
    if settings.auth != "none" or not holds_team_data:
        return []
    return [
        Problem(
            "team_database",
            "R2P_RISK_AUTH",
            "is unset or none (single user, every visitor the built-in admin), "
            "but this database holds users or access rules of a team deployment; set R2P_RISK_AUTH to oidc or "
            "header as the deployment was set up",
        )
    ]
