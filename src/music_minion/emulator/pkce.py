"""The emulator's side of PKCE (RFC 7636): the S256 challenge of a verifier, and the check."""

from __future__ import annotations

import base64
import hashlib


def s256(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(verifier))) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def verifies(verifier: str, challenge: str) -> bool:
    """Whether `verifier` (43..128 characters) is the one behind the S256 `challenge`."""
    return 43 <= len(verifier) <= 128 and s256(verifier) == challenge
