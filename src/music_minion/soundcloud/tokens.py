"""Token storage: the OS keyring, else a 0600 file in the data dir; an in-memory cache in front.

Two entries per app: `user` (access + single-use refresh token) and `app` (client-credentials
token). A hot `load()` is a dict lookup. `lock()` is the cross-process lock under which the refresh
token is rotated; inside it, `load(fresh=True)` re-reads what another process may have written.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from filelock import BaseFileLock

SERVICE = "music-minion"
FILE_NAME = "tokens.json"
LOCK_NAME = "tokens.lock"
KINDS = ("user", "app")


@dataclass
class Token:
    """An access token (and, for a user, its refresh token). repr never shows either."""

    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    user_urn: str | None = None
    username: str | None = None
    obtained_at: float = field(default_factory=time.time)

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        return self.expires_at - (time.time() if now is None else now) <= seconds

    @classmethod
    def from_response(
        cls, body: dict[str, Any], *, user_urn: str | None = None, username: str | None = None
    ) -> Token:
        """From a token endpoint's JSON (`access_token`, `expires_in`, `refresh_token`)."""
        expires_in = body.get("expires_in")
        ttl = (
            float(expires_in)
            if isinstance(expires_in, int | float) and not isinstance(expires_in, bool)
            else 3599.0
        )
        now = time.time()
        return cls(
            access_token=str(body["access_token"]),
            expires_at=now + ttl,
            refresh_token=body.get("refresh_token") or None,
            user_urn=user_urn,
            username=username,
            obtained_at=now,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: Any) -> Token | None:
        if not isinstance(d, dict) or not isinstance(d.get("access_token"), str):
            return None
        try:
            return cls(
                access_token=d["access_token"],
                expires_at=float(d.get("expires_at") or 0),
                refresh_token=d.get("refresh_token"),
                user_urn=d.get("user_urn"),
                username=d.get("username"),
                obtained_at=float(d.get("obtained_at") or 0),
            )
        except (TypeError, ValueError):
            return None


class TokenStore:
    """Keyring first, a 0600 file in `data_dir` when no keyring backend exists; cached in memory."""

    def __init__(self, data_dir: Path, namespace: str = "default") -> None:
        self.data_dir = Path(data_dir)
        self.namespace = namespace
        self.path = self.data_dir / FILE_NAME
        self._cache: dict[str, Token | None] = {}
        self._backend: str | None = None
        self._keyring: Any = None

    # ---- backend --------------------------------------------------------------------------
    @property
    def backend(self) -> str:
        """`keyring (<backend name>)` or `file (<path>)`."""
        if self._backend is None:
            self._keyring = _usable_keyring()
            self._backend = (
                f"keyring ({type(self._keyring).__name__})"
                if self._keyring
                else f"file ({self.path})"
            )
        return self._backend

    @property
    def uses_keyring(self) -> bool:
        return self.backend.startswith("keyring")

    # ---- read / write ---------------------------------------------------------------------
    def load(self, kind: str = "user", *, fresh: bool = False) -> Token | None:
        """The stored token of `kind` (`user` or `app`); from memory unless `fresh`."""
        if not fresh:
            try:
                return self._cache[kind]
            except KeyError:
                pass
        token = Token.from_json(self._read(kind))
        self._cache[kind] = token
        return token

    def save(self, token: Token, kind: str = "user") -> None:
        """Persist first, then cache (a crash never leaves only the memory copy)."""
        self._write(kind, token.to_json())
        self._cache[kind] = token

    def delete(self, kind: str | None = None) -> None:
        """Forget `kind` (or every token)."""
        for k in (kind,) if kind else KINDS:
            self._write(k, None)
            self._cache[k] = None

    def lock(self, timeout_s: float = 60.0) -> BaseFileLock:
        """The cross-process lock that guards refresh-token rotation."""
        from filelock import FileLock

        self.data_dir.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.data_dir / LOCK_NAME), timeout=timeout_s)

    # ---- backends -------------------------------------------------------------------------
    def _entry(self, kind: str) -> str:
        return f"{self.namespace}:{kind}"

    def _read(self, kind: str) -> Any:
        if self.uses_keyring:
            try:
                raw = self._keyring.get_password(SERVICE, self._entry(kind))
            except Exception:  # noqa: BLE001 - a broken keyring reads as "no token"
                raw = None
            return _loads(raw)
        return self._read_file().get(self._entry(kind))

    def _write(self, kind: str, value: dict[str, Any] | None) -> None:
        if self.uses_keyring:
            from keyring.errors import PasswordDeleteError

            if value is None:
                try:
                    self._keyring.delete_password(SERVICE, self._entry(kind))
                except PasswordDeleteError:
                    pass
            else:
                self._keyring.set_password(SERVICE, self._entry(kind), json.dumps(value))
            return
        data = self._read_file()
        if value is None:
            if data.pop(self._entry(kind), None) is None:
                return
        else:
            data[self._entry(kind)] = value
        self._write_file(data)

    def _read_file(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_file(self, data: dict[str, Any]) -> None:
        """Atomic write of a file only the owner can read (created 0600, never wider)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{FILE_NAME}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _loads(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _usable_keyring() -> Any:
    """The active keyring backend, or None when there is none worth using (fail/null/empty chain)."""
    try:
        import keyring
        from keyring.backends import chainer, fail

        kr = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - no keyring at all
        return None
    if isinstance(kr, fail.Keyring) or type(kr).__module__.endswith(".null"):
        return None
    if isinstance(kr, chainer.ChainerBackend) and not kr.backends:
        return None
    return kr
