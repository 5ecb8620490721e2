"""Driving the playground as a browser would: read the page's forms, post them back."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp


@dataclass
class PageForm:
    """One HTML form: where it posts, its fields (hidden and visible), its buttons."""

    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (label, name, value)

    def value(self, name: str) -> str:
        return (self.fields.get(name) or [""])[0]


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self._select: str | None = None
        self._button: tuple[str, str] | None = None
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(PageForm(a.get("action", ""), a.get("method", "get")))
        elif not self.forms:
            return
        elif tag == "input" and a.get("type") in ("checkbox", "radio"):
            if "checked" in a:
                self.forms[-1].fields.setdefault(a["name"], []).append(a.get("value", "on"))
        elif tag == "input" and a.get("name"):
            self.forms[-1].fields.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
            self.forms[-1].fields.setdefault(self._select or "", [])
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].fields[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self.forms[-1].fields.setdefault(a.get("name", ""), [""])
        elif tag == "button":
            self._button, self._label = (a.get("name", ""), a.get("value", "")), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "button" and self._button is not None and self.forms:
            self.forms[-1].buttons.append(("".join(self._label).strip(), *self._button))
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._label.append(data)


def forms_of(html: str) -> list[PageForm]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    """A visitor: GETs pages and posts forms, following redirects, over real HTTP.

    `post` sends the token of the last page seen, as the pages' own forms do.
    """

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self._session = aiohttp.ClientSession()
        self._token = ""

    async def get(self, path: str) -> str:
        async with self._session.get(self.base + path) as response:
            assert response.status == 200, (path, response.status)
            return self._seen(await response.text())

    async def post(self, path: str, data: dict[str, Any]) -> str:
        if not self._token:  # a visitor arrives at a page before posting anything
            await self.get("/")
        async with self._session.post(
            self.base + path, data={"token": self._token, **data}
        ) as response:
            assert response.status == 200, (path, response.status, await response.text())
            return self._seen(await response.text())

    def _seen(self, html: str) -> str:
        tokens = {form.value("token") for form in forms_of(html)} - {""}
        if tokens:
            [self._token] = tokens
        return html

    async def submit(self, form: PageForm, **changes: Any) -> str:
        """Post a form as shown, with some fields changed (a list for several values)."""
        data: list[tuple[str, str]] = []
        fields = {
            **form.fields,
            **{k: v if isinstance(v, list) else [v] for k, v in changes.items()},
        }
        for name, values in fields.items():
            data += [(name, value) for value in values]
        async with self._session.post(self.base + form.action, data=data) as response:
            assert response.status == 200, (form.action, response.status)
            return self._seen(await response.text())

    async def close(self) -> None:
        await self._session.close()


def click_form(html: str, action: str, value_contains: str = "") -> PageForm:
    """The form of the button for `action` (the last one on the page, the newest message)."""
    found = [
        f
        for f in forms_of(html)
        if f.value("action") == action and value_contains in f.value("value")
    ]
    assert found, f"no {action} button with {value_contains!r} on the page"
    return found[-1]
