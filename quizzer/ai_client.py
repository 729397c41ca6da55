"""Talking to an OpenAI-compatible server (Ollama, llama.cpp's server, vLLM, OpenAI, DeepSeek, ...)
through the `openai` client library.

Nothing is sent anywhere unless `[ai]` names both a server and a model. The API key is read from the
environment when a request is made and handed to the client only: it is never stored, written or
printed (a message that could quote it has it blanked). Every failure becomes one `AIUnavailable`
line, so that a face can say it and carry on offline. One code path, async: the TUI runs it in a
worker that Esc cancels at once; the plain mode and `quizzer ai check` run it with `asyncio.run`.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import socket
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizzer.errors import QuizzerError
from quizzer.safetext import one_line

if TYPE_CHECKING:
    from quizzer.config import Config

FALLBACK_KEY_ENV = "OPENAI_API_KEY"
# `timeout_s` bounds each wait (connecting, the first token, each gap between tokens); a whole reply
# also has this many times that in all, so that a server dripping tokens forever cannot hang a session.
WHOLE_REPLY_FACTOR = 5
NO_KEY = "no-key"  # local servers (Ollama, llama.cpp) want none, but the client insists on some text
Messages = Sequence[Mapping[str, str]]


class AIUnavailable(QuizzerError):
    """Why the model could not be used, in one line (without the key)."""


@dataclass(frozen=True)
class AISettings:
    base_url: str
    model: str
    api_key_env: str = "QUIZZER_AI_API_KEY"
    timeout_s: float = 60.0

    @classmethod
    def from_config(cls, config: Config) -> AISettings:
        ai = config.values["ai"]
        return cls(str(ai["base_url"]).rstrip("/"), str(ai["model"]), str(ai["api_key_env"]),
                   float(ai["timeout_s"]))

    @property
    def configured(self) -> bool:
        """Only a server and a model together turn the AI on: nothing is sent otherwise."""
        return bool(self.base_url and self.model)


def api_key(settings: AISettings, environ: Mapping[str, str] | None = None) -> str | None:
    """The key from the variable `api_key_env` names, else from OPENAI_API_KEY; None without one."""
    environ = os.environ if environ is None else environ
    for name in dict.fromkeys((settings.api_key_env, FALLBACK_KEY_ENV)):
        if value := environ.get(name, "").strip():
            return value
    return None


@dataclass(frozen=True)
class Reply:
    text: str
    seconds: float  # from sending the request to the reply's last token


async def chat(settings: AISettings, messages: Messages, *, on_text: Callable[[str], None] | None = None,
               max_tokens: int = 800, stream: bool = True, environ: Mapping[str, str] | None = None) -> Reply:
    """The model's reply to `messages`; `on_text` gets the text so far as it streams in. Raises
    `AIUnavailable` (one line) for every way it can fail, and nothing else but cancellation."""
    if not settings.configured:
        raise AIUnavailable("the AI is not configured (set [ai] base_url and model)")
    key = api_key(settings, environ)
    # The first import takes about half a second: in a thread, so that the app's loop never waits on it.
    openai = await asyncio.to_thread(importlib.import_module, "openai")
    client = openai.AsyncOpenAI(base_url=settings.base_url, api_key=key or NO_KEY, timeout=settings.timeout_s,
                         max_retries=0)
    started = time.monotonic()
    try:
        async with asyncio.timeout(settings.timeout_s * WHOLE_REPLY_FACTOR):
            text = await _ask(client, settings, messages, on_text, max_tokens, stream)
    except AIUnavailable:
        raise
    except TimeoutError:
        raise AIUnavailable(f"no complete reply within {settings.timeout_s * WHOLE_REPLY_FACTOR:g} s "
                            f"from {settings.base_url}") from None
    except Exception as exc:  # the client's errors, and whatever a broken server's reply makes it raise
        raise AIUnavailable(_blank(describe(exc, settings, key), key)) from None
    finally:
        await asyncio.shield(_close(client))
    if not text.strip():
        raise AIUnavailable(f"empty reply from {settings.model} at {settings.base_url}")
    return Reply(text, time.monotonic() - started)


async def _ask(client: Any, settings: AISettings, messages: Messages, on_text: Callable[[str], None] | None,
               max_tokens: int, stream: bool) -> str:
    request: dict[str, Any] = {"model": settings.model, "messages": [dict(m) for m in messages],
                               "max_tokens": max_tokens, "temperature": 0.2}
    if not stream:
        completion = await client.chat.completions.create(**request)
        return _content(completion.choices[0].message.content if completion.choices else None)
    parts: list[str] = []
    chunks = await client.chat.completions.create(**request, stream=True)
    received = 0
    async for chunk in chunks:
        received += 1
        if not getattr(chunk, "choices", None):
            continue
        piece = chunk.choices[0].delta.content
        if piece:
            parts.append(_content(piece))
            if on_text is not None:
                on_text("".join(parts))
    if not received:  # a web page or a proxy's error, not a stream of chat chunks
        kind = chunks.response.headers.get("content-type", "no content type").split(";")[0]
        raise AIUnavailable(f"unreadable reply from {settings.base_url} ({_short(kind, 40)}, not a chat stream)")
    return "".join(parts)


def _content(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise AIUnavailable("the server's reply holds no text")
    return value


async def _close(client: Any) -> None:
    try:
        await client.close()
    except Exception:  # closing a half-read stream of a broken server: nothing left to save
        pass


def describe(exc: BaseException, settings: AISettings, key: str | None) -> str:
    """What went wrong, for a person: the kind of failure and where."""
    import openai

    url = settings.base_url
    if isinstance(exc, openai.APITimeoutError):
        return f"no reply within {settings.timeout_s:g} s from {url}"
    if isinstance(exc, openai.APIConnectionError):
        return f"{_connection_problem(exc)} at {url}"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        if key is None:
            return f"the server at {url} wants an API key (HTTP {exc.status_code}); set {settings.api_key_env}"
        return f"the server at {url} refused the API key (HTTP {exc.status_code}); check {settings.api_key_env}"
    if isinstance(exc, openai.NotFoundError):
        return f"HTTP 404 from {url}: no model {settings.model!r} there, or not an OpenAI-compatible /v1 address"
    if isinstance(exc, openai.APIStatusError):
        body = exc.body if isinstance(exc.body, dict) else {}
        return f"HTTP {exc.status_code} from {url}: {_short(str(body.get('message') or exc.message))}"
    return f"unreadable reply from {url} ({type(exc).__name__})"


def _connection_problem(exc: BaseException) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "unknown host"
        if isinstance(cause, ssl.SSLError):
            return "TLS failed"
        text = str(cause).lower()
        if "refused" in text:
            return "connection refused"
        if "name or service" in text or "nodename" in text or "name resolution" in text:
            return "unknown host"
        cause = cause.__cause__ or cause.__context__
    return "cannot connect"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _blank(text: str, key: str | None) -> str:
    """`text` as one printable line, the key blanked should a server have echoed it."""
    if key:
        text = text.replace(key, "***")
    return one_line(text)

