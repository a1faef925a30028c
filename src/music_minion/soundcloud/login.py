"""`auth login`: the OAuth 2.1 authorization-code flow with PKCE and a loopback redirect (RFC 8252).

The browser is sent to SoundCloud's authorize page; a one-shot HTTP server on 127.0.0.1 (port from
the configured redirect URI) takes the single redirect back, then shuts down. Headless machines use
paste mode: the URL is printed and the user pastes the address the browser was redirected to. When
no browser can be opened (the opener returns False or fails, as `webbrowser.open` does on a machine
without a display), login switches to paste mode at once instead of waiting for an answer.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from music_minion.soundcloud import oauth
from music_minion.soundcloud.errors import LoginFailed, Misconfigured
from music_minion.soundcloud.pkce import AuthRequest, authorization_request
from music_minion.soundcloud.tokens import Token, TokenStore

if TYPE_CHECKING:
    import aiohttp

    from music_minion.soundcloud.models import User
    from music_minion.soundcloud.settings import ConfigSource

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
DONE_PAGE = "<!doctype html><title>Music Minion</title><h1>{title}</h1><p>{text}</p>"


async def login(
    cfg: ConfigSource,
    *,
    browser: Callable[[str], Any] | None = None,
    paste: bool = False,
    timeout_s: float | None = None,
    read_redirect: Callable[[str], Any] | None = None,
) -> User:
    """Log in through the browser (or paste mode), store the tokens, return who logged in.

    `browser(url)` opens the authorization URL (default `webbrowser.open`); it may be sync or async,
    and returns False (or raises) when no browser could be opened: then paste mode follows at once.
    In paste mode `read_redirect(url)` returns the redirect URL the user pastes (default: a prompt).
    """
    import aiohttp

    app = oauth.AppSettings.from_config(cfg)
    timeout = float(timeout_s if timeout_s is not None else cfg.soundcloud.login_timeout_s)
    redirect = urlsplit(app.redirect_uri)
    if not paste and (
        redirect.scheme != "http" or redirect.hostname not in LOOPBACK_HOSTS or not redirect.port
    ):
        raise Misconfigured(
            f"soundcloud.redirect_uri {app.redirect_uri} is not a loopback address with a port",
            "register http://127.0.0.1:PORT/callback with your app and set it, or use --no-browser",
        )
    req = authorization_request(app.auth_base, app.client_id, app.redirect_uri)
    async with aiohttp.ClientSession() as http:
        await _preflight(http, req)
        answer = None
        if not paste:
            answer = await _loopback(
                req, redirect.port or 0, redirect.path or "/", browser, timeout
            )
        if answer is None:
            answer = await _paste(req, read_redirect, app.redirect_uri, fallback=not paste)
        code = _check_answer(answer, req)
        body = await oauth.exchange_code(
            http, app, code=code, verifier=req.verifier, redirect_uri=req.redirect_uri
        )
    store = TokenStore(cfg.data_dir, app.namespace)
    token = Token.from_response(body)
    store.save(token, "user")
    from music_minion.soundcloud.client import SoundCloudClient

    client = SoundCloudClient(app, store, auth="user")
    async with client as sc:
        me = await sc.me()
    token.user_urn, token.username = me.urn, me.username
    store.save(token, "user")
    return me


async def _preflight(http: aiohttp.ClientSession, req: AuthRequest) -> None:
    """Ask the authorize page once ourselves so a bad client id or redirect URI is a clear error."""
    import aiohttp

    try:
        async with http.get(
            req.url.replace(f"state={req.state}", "state=preflight"),
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=15),
        ) as resp:
            status, text = resp.status, (await resp.text(errors="replace"))[:2000].lower()
    except (TimeoutError, aiohttp.ClientError):
        raise LoginFailed(
            "cannot reach SoundCloud's login page", "check your network and soundcloud.auth_base"
        ) from None
    if status != 400:
        return  # a login page, a redirect to one, or something the browser may still get past
    if "redirect" in text:
        raise Misconfigured(
            f"SoundCloud refused the redirect URI {req.redirect_uri}",
            "register exactly this URI with your app, or set soundcloud.redirect_uri to the registered one",
        )
    if "client" in text:
        raise Misconfigured(
            "SoundCloud does not know this app's client id", "check soundcloud.client_id"
        )
    raise Misconfigured(
        "SoundCloud refused to start the login (HTTP 400)",
        "check soundcloud.auth_base and the app settings",
    )


async def _loopback(
    req: AuthRequest, port: int, path: str, browser: Callable[[str], Any] | None, timeout: float
) -> dict[str, str] | None:
    """Serve one redirect on 127.0.0.1:port, open the browser, wait for the answer; None when no
    browser could be opened (the caller switches to paste mode)."""
    from aiohttp import web

    loop = asyncio.get_running_loop()
    answer: asyncio.Future[dict[str, str]] = loop.create_future()

    async def callback(request: web.Request) -> web.Response:
        params = {k: v for k, v in request.query.items()}
        if answer.done():
            return web.Response(status=410, text="This login attempt is already finished.")
        answer.set_result(params)
        ok = "code" in params and params.get("state") == req.state
        title = "Connected" if ok else "Login failed"
        text = (
            "Music Minion is connected to SoundCloud. You can close this tab."
            if ok
            else "Return to the terminal for details."
        )
        return web.Response(text=DONE_PAGE.format(title=title, text=text), content_type="text/html")

    app = web.Application()
    app.router.add_get(path, callback)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=False)
    try:
        try:
            await site.start()
        except OSError:
            raise LoginFailed(
                f"port {port} on 127.0.0.1 is in use, so the login callback cannot listen",
                "close the program using it, or run `music-minion auth login --no-browser`",
            ) from None
        opening = asyncio.ensure_future(_open(browser or webbrowser.open, req.url))
        try:
            return await _wait_for_answer(answer, opening, timeout)
        finally:
            opening.cancel()
    finally:
        await runner.cleanup()


async def _wait_for_answer(
    answer: asyncio.Future[dict[str, str]], opening: asyncio.Future[bool], timeout: float
) -> dict[str, str] | None:
    """The redirect's parameters; None as soon as the browser is known not to have opened."""
    deadline = asyncio.get_running_loop().time() + timeout
    pending: set[asyncio.Future[Any]] = {answer, opening}
    while answer in pending:
        left = deadline - asyncio.get_running_loop().time()
        done, pending = await asyncio.wait(
            pending, timeout=max(left, 0), return_when=asyncio.FIRST_COMPLETED
        )
        if not done:
            raise LoginFailed(
                f"no answer from the browser within {timeout:g} s",
                "run `music-minion auth login` again, or use --no-browser",
            )
        if opening in done and answer not in done and not opening.result():
            return None
    return answer.result()


async def _open(opener: Callable[[str], Any], url: str) -> bool:
    """Run the browser opener; False when it says (or shows by failing) that no browser opened."""
    try:
        result = await asyncio.to_thread(opener, url)
        if inspect.isawaitable(result):
            result = await result
    except Exception:  # noqa: BLE001 - any failure to open a browser means: paste instead
        return False
    return result is not False


async def _paste(
    req: AuthRequest,
    read_redirect: Callable[[str], Any] | None,
    redirect_uri: str,
    *,
    fallback: bool = False,
) -> dict[str, str]:
    """The parameters of the redirect address the user pastes. `fallback`: no browser opened."""
    if read_redirect is None:
        pasted = await _prompt(req.url, fallback)
    else:
        pasted = read_redirect(req.url)
        if inspect.isawaitable(pasted):
            pasted = await pasted
    pasted = str(pasted or "").strip()
    if not pasted:
        raise LoginFailed(
            "no address was pasted",
            "run `music-minion auth login --no-browser` and paste the address the browser lands on",
        )
    got, want = urlsplit(pasted), urlsplit(redirect_uri)
    if (got.scheme, got.netloc, got.path) != (want.scheme, want.netloc, want.path):
        raise LoginFailed(
            "the pasted address does not start with the configured redirect URI",
            f"paste the whole address the browser landed on (it starts with {redirect_uri})",
        )
    return {k: v[0] for k, v in parse_qs(got.query).items()}


async def _prompt(url: str, fallback: bool) -> str:
    """Show the authorize URL on stderr and read one pasted line ("" at end of input)."""
    why = "No browser could be opened here. " if fallback else ""
    print(
        f"{why}Open this address in a browser on any machine, approve, then paste the address "
        f"you are redirected to (it may show an error page: copy its address anyway):\n\n  {url}\n",
        file=sys.stderr,
    )
    print("Redirect URL: ", end="", file=sys.stderr, flush=True)  # stdout is for the result
    try:
        return await asyncio.to_thread(input)
    except EOFError:
        print(file=sys.stderr)  # end the prompt's line
        return ""


def _check_answer(params: dict[str, str], req: AuthRequest) -> str:
    error = params.get("error")
    if error == "access_denied":
        raise LoginFailed(
            "the connection was declined on SoundCloud",
            "run `music-minion auth login` again and choose Connect",
        )
    if params.get("state") != req.state:
        raise LoginFailed(
            "the login answer does not belong to this login attempt (state mismatch)",
            "close old login tabs and run `music-minion auth login` again",
        )
    if error:
        raise LoginFailed(
            f"SoundCloud refused the login ({error[:60]})", "check the app settings and try again"
        )
    code = params.get("code")
    if not code:
        raise LoginFailed(
            "SoundCloud's answer to the login carries no code",
            "run `music-minion auth login` again",
        )
    return code
