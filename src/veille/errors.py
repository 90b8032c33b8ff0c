"""One exception hierarchy with stable codes (`[E101] …`), the stage and the document concerned."""

from __future__ import annotations


class VeilleError(Exception):
    """Base error. `code` is stable: tests and users may match on it."""

    code = "E000"

    def __init__(self, message: str, *, stage: str | None = None, document: str | None = None):
        self.message = message
        self.stage = stage
        self.document = document
        where = ", ".join(p for p in (f"stage={stage}" if stage else "", f"doc={document}" if document else "") if p)
        super().__init__(f"[{self.code}] {message}" + (f" ({where})" if where else ""))


class InputError(VeilleError):
    """An input could not be read; the run skips it and goes on."""

    code = "E100"


class BinaryInputError(InputError):
    code = "E101"


class EncodingError(InputError):
    code = "E102"


class EmptyInputError(InputError):
    code = "E103"


class TooLargeInputError(InputError):
    code = "E104"


class MalformedInputError(InputError):
    code = "E105"


class UnsupportedInputError(InputError):
    code = "E106"


class MissingInputError(InputError):
    code = "E107"


class StageError(VeilleError):
    """A stage failed on a document."""

    code = "E200"


class StageTimeoutError(StageError):
    code = "E201"


class ConfigError(VeilleError):
    code = "E300"


class StageChainError(ConfigError):
    """The configured stages cannot run in that order: one requires a layer no earlier stage assigns."""

    code = "E302"


class MissingExtraError(VeilleError):
    """An optional dependency group (extra) is not installed."""

    code = "E301"


def install_command(extra: str = "", direct_url: str | None = None) -> str:
    """The pip command that adds `extra` to this installation of veille (with no extra: that
    reinstalls the base, with its dependencies).

    An install from a source checkout (`pip install -e .`, the README's) records the checkout in
    the distribution's `direct_url.json`; "pip install 'veille[spark]'" would then look for veille
    on PyPI, so the command names the checkout instead. `direct_url`: that file's text (read from
    the installed distribution when not given)."""
    import json
    from urllib.parse import unquote, urlparse

    if direct_url is None:
        from importlib import metadata

        try:
            direct_url = metadata.distribution("veille").read_text("direct_url.json")
        except metadata.PackageNotFoundError:
            direct_url = None
    try:
        info = json.loads(direct_url) if direct_url else {}
    except json.JSONDecodeError:
        info = {}
    url = urlparse(str(info.get("url", "")))
    wanted = f"[{extra}]" if extra else ""
    if url.scheme == "file" and "dir_info" in info:
        editable = "-e " if info["dir_info"].get("editable") else ""
        return f"pip install {editable}'{unquote(url.path)}{wanted}'"
    return f"pip install 'veille{wanted}'" if extra else "pip install --force-reinstall veille"


class StoreError(VeilleError):
    code = "E400"


class MissingStoreError(StoreError):
    """A command that only reads was pointed at a path with no store (it never creates one)."""

    code = "E401"


class ReadOnlyStoreError(StoreError):
    """A write (ingest, merge, upload) was sent to a read-only store: a Parquet dataset."""

    code = "E402"


class EvalError(VeilleError):
    code = "E500"


def skip_reason(err: Exception) -> str:
    """A short stable reason string for logs and the ingest report."""
    if isinstance(err, VeilleError):
        return f"{err.code}: {err.message}"
    return f"E000: {type(err).__name__}: {err}"
