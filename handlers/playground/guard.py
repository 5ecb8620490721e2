"""Only the playground's own pages may change it: never another site, nor a page elsewhere."""

import hmac
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from handlers.playground.local import is_loopback

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOKEN_FIELD = "token"
# What a browser says of a request its user made on the playground's own page, or typed.
_OWN_FETCHES = frozenset({"same-origin", "none"})


class RequestGuard:
    """Refuses, with `refuse`'s page, a request that did not come from the playground's pages.

    A post must carry this run's token, which only the playground's own pages hold (other
    sites cannot read them); when the browser says where the post came from, in Origin or
    Sec-Fetch-Site, that must be the playground itself. A post without Origin (older
    browsers, scripts) passes on the token alone. While the playground listens on this
    computer only, a request must also name this computer in Host, so that a web page whose
    name is made to point at 127.0.0.1 (DNS rebinding) cannot read the pages and their token.
    """

    def __init__(self, local_only: bool, refuse: Callable[[], web.Response]) -> None:
        self.token = secrets.token_urlsafe(32)
        self._local_only, self._refuse = local_only, refuse

    def pages(self, handler: Handler) -> Handler:
        """A page that only shows: it may be read from this computer's own names."""

        async def checked(request: web.Request) -> web.StreamResponse:
            if not self._named_as_expected(request):
                return self._refuse()
            return await handler(request)

        return checked

    def changes(self, handler: Handler) -> Handler:
        """A post that changes the playground: it must come from one of its pages."""

        async def checked(request: web.Request) -> web.StreamResponse:
            if not (self._named_as_expected(request) and await self._from_own_page(request)):
                return self._refuse()
            return await handler(request)

        return checked

    def _named_as_expected(self, request: web.Request) -> bool:
        return not self._local_only or is_loopback(request.url.host or "")

    async def _from_own_page(self, request: web.Request) -> bool:
        fetch_site = request.headers.get("Sec-Fetch-Site")
        if fetch_site is not None and fetch_site.lower() not in _OWN_FETCHES:
            return False
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() != f"{request.scheme}://{request.host}".lower():
            return False
        token = str((await request.post()).get(TOKEN_FIELD, ""))
        return hmac.compare_digest(token.encode(), self.token.encode())
