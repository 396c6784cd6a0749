"""Render the briefing: validate parameters, run the notebook with papermill, write every output atomically.

``render(params)`` writes ``OUT/<slug>/`` with ``briefing.ipynb`` (executed), ``briefing.html`` (no code,
no prompts, images embedded, no URL to an outside server), ``charts/NN-name.png`` (1920x1080) and
``.svg``, ``tables/NN-name.json`` and ``outputs.json`` (what the notebook registered, see
:mod:`stats_lib.collect`), ``briefing.pptx``, ``tables.xlsx`` and ``manifest.json``.

The slug is ``<start>_<end>_<mode>`` (``2023-01-21_2023-02-05_lunar``; ``THH`` after a date cut at an hour),
then ``_en`` (English), ``_maskK`` (masked below K), ``_sel-<8 hex>`` (a hash of a district/category selection).

Everything is written into ``OUT/.<slug>.tmp-XXXX`` and renamed into place when complete (file safety, the
earlier report and the analyst's files in it: :mod:`stats_lib.briefing.outdir`; a lock keeps two renders of
one slug apart). Exit codes: 0 done; 1 a cell failed, the kernel died or timed out (:class:`RenderError`); 2
bad parameters or input (:class:`ParameterError`/:class:`InputError`) or a busy lock (:class:`LockError`).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from stats_lib import errors
from stats_lib.briefing import exports
from stats_lib.briefing.lock import ReportLock
from stats_lib.briefing.outdir import (
    Terminated,
    check_inputs_unchanged,
    input_files,
    inside,
    is_report_folder,
    keep_analyst_files,
    move_into_place,
    sha256_file,
    stop_signals_raise,
    sweep_leftovers,
)
from stats_lib.briefing.params import params_from_cli, resolve_plan, validate_params
from stats_lib.briefing.template import check_template
from stats_lib.clean.egress import redact_tree
from stats_lib.errors import ParameterError, RenderError
from stats_lib.ingest.privacy import redact
from stats_lib.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

    from stats_lib.windows import Baseline, Window

__all__ = ["render", "params_from_cli", "report_slug", "export_html", "default_notebook", "KERNEL_NAME"]

#: The kernelspec the notebook runs on (an ipykernel of the current interpreter).
KERNEL_NAME = "python3"
_OWN_KERNEL = "stats-lib-python3"

_SLUG_OK = re.compile(r"^[A-Za-z0-9][\w.-]{0,150}$")
_NAME_OK = re.compile(r"^[^\W_]+$")  # letters and digits of any script (临河县, 火灾), nothing else
_EXTERNAL_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, ftp://, //host
_EXTERNAL_CSS = re.compile(r"""(?:@import\s+)?url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//[^)]*\)\s*;?""", re.I)

#: nbconvert template: the JupyterLab look without require.js, MathJax, mermaid or widget scripts.
_OFFLINE_TEMPLATE = """{%- extends "lab/index.html.j2" -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block notebook_css -%}
{{ super() }}
<style type="text/css">
:root { --jp-content-font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "SimHei", sans-serif; }
body { max-width: 1100px; margin: 0 auto; }
.jp-RenderedImage img { max-width: 100%; height: auto; }
:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td:first-child,
:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon th:first-child { text-align: left; }
</style>
{%- endblock notebook_css -%}
"""

_TITLES = {"zh": "警情态势简报", "en": "Situation briefing"}


def default_notebook() -> Path:
    """Return the briefing notebook: ``stats_lib/notebooks/briefing.ipynb`` when installed, else the repo's.

    Returns
    -------
    Path
        The notebook's path.

    Raises
    ------
    stats_lib.errors.RenderError
        The notebook is in neither place.
    """
    package = Path(__file__).resolve().parents[1]
    for cand in (package / "notebooks" / "briefing.ipynb", package.parent / "notebooks" / "briefing.ipynb"):
        if cand.is_file():
            return cand
    raise RenderError(f"the briefing notebook is missing (looked in {package / 'notebooks'} and "
                      f"{package.parent / 'notebooks'})")


def report_slug(params: Mapping[str, object], window: Window, baseline: Baseline) -> str:
    """Return the report folder name of validated parameters, their window and their baseline.

    ``<start>_<end>_<mode>``, each date with ``THH`` when cut at an hour; then ``_en``, ``_maskK``, the
    region when not CN (``_us``) and the selection when one applies: ``_sel-临河县-火灾`` (the names, when
    they are letters and digits and short), else ``_sel-<first name->`` and 8 hex digits of a SHA-256 of
    the whole selection, so that two selections never share a folder.

    Parameters
    ----------
    params : Mapping[str, object]
        The validated parameters.
    window : Window
        The resolved window.
    baseline : Baseline
        The resolved baseline (its ``mode``).

    Returns
    -------
    str
        The folder name.

    Raises
    ------
    stats_lib.errors.ParameterError
        The name would not be a safe folder name.
    """
    start = window.start.isoformat() + (f"T{window.start_hour:02d}" if not window.whole_days else "")
    end = window.end.isoformat() + (f"T{window.end_hour:02d}" if not window.whole_days else "")
    slug = f"{start}_{end}_{baseline.mode}"
    if params.get("lang") == "en":
        slug += "_en"
    if params.get("mask_below"):
        slug += f"_mask{int(params['mask_below'])}"
    if params.get("region") and params["region"] != "CN":
        slug += f"_{str(params['region']).lower()}"
    sel = {k: sorted(params[k]) for k in ("districts", "categories") if params.get(k)}
    if sel:
        names = "-".join(n for k in ("districts", "categories") for n in sel.get(k, []))
        if len(names) <= 40 and all(_NAME_OK.match(n) for k in sel for n in sel[k]):
            slug += f"_sel-{names}"  # the selection, readable: _sel-临河县-火灾
        else:
            digest = hashlib.sha256(json.dumps(sel, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
            first = sel.get("districts", sel.get("categories", []))[0]
            head = f"{first}-" if _NAME_OK.match(first) and len(first) <= 20 else ""
            slug += f"_sel-{head}{digest[:8]}"
    if not _SLUG_OK.match(slug) or ".." in slug:
        raise ParameterError(f"report name {slug!r} is not a safe folder name")
    return slug


def _versions() -> dict:
    """Versions of Python, stats_lib and every runtime dependency declared by the package."""


    out = {"python": platform.python_version(), "platform": platform.platform(), "stats-lib": __version__}
    try:
        reqs = metadata.requires("stats-lib") or []
    except metadata.PackageNotFoundError:
        reqs = []
    names = [re.match(r"[A-Za-z0-9_.-]+", r).group(0) for r in reqs if "extra ==" not in r]
    for name in names + ["jupyter_client", "jinja2"]:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _kernel_name() -> str:
    """A kernelspec that runs the current interpreter: ``python3`` when it does, else one installed for it."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    ksm = KernelSpecManager()
    names = {"python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"}
    for name in (KERNEL_NAME, _OWN_KERNEL):
        try:
            argv0 = ksm.get_kernel_spec(name).argv[0]
        except NoSuchKernel:
            continue
        # jupyter_client runs a bare "python" argv[0] with sys.executable.
        if argv0 in names or (os.path.exists(argv0) and os.path.samefile(argv0, sys.executable)):
            return name
    from ipykernel.kernelspec import install

    try:
        install(kernel_name=_OWN_KERNEL, display_name="Python 3 (stats_lib)", prefix=sys.prefix)
    except OSError:  # a read-only interpreter prefix: install for this user instead
        install(kernel_name=_OWN_KERNEL, display_name="Python 3 (stats_lib)", user=True)
    return _OWN_KERNEL


def _scrub_external(html: str, lang: str = "zh") -> str:
    """Remove every reference to an outside server from ``html``.

    Tags that load from outside (script, link, iframe, img, …) are dropped; other external ``src``/
    ``href`` attributes (a link in a text) are removed, keeping the text; CSS ``url()`` to outside is
    blanked. Images nbconvert could not describe get a short alt text in the report language.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, features="html.parser")
    loading = {"script", "link", "iframe", "img", "source", "embed", "object", "audio", "video"}
    for el in soup.find_all(True):
        if getattr(el, "decomposed", False) or not el.attrs:
            continue  # inside a tag removed above, or nothing to check
        for attr in ("src", "href", "xlink:href", "data", "srcset", "poster", "action", "formaction"):
            value = el.attrs.get(attr)
            if isinstance(value, str) and _EXTERNAL_URL.match(value):
                if el.name in loading:
                    el.decompose()
                    break
                del el.attrs[attr]
        else:
            style = el.attrs.get("style")
            if isinstance(style, str) and _EXTERNAL_CSS.search(style):
                el.attrs["style"] = _EXTERNAL_CSS.sub("", style)
            if el.name == "img" and el.attrs.get("alt") == "No description has been provided for this image":
                el.attrs["alt"] = "图表" if lang == "zh" else "Chart"
    for el in soup.find_all("style"):
        if el.string and _EXTERNAL_CSS.search(el.string):
            el.string = _EXTERNAL_CSS.sub("", el.string)
    return str(soup)


def export_html(nb: NotebookNode, lang: str = "zh", title: str = "") -> str:
    """Return the HTML of an executed notebook for readers.

    No code cells, no input or output prompts, no stderr output (warnings), images embedded as data URIs,
    and no reference to an outside server (no require.js, MathJax, mermaid or widget scripts; external
    ``src``/``href`` attributes removed), so that it opens on an intranet without internet.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    lang : str, default 'zh'
        ``zh`` or ``en`` (the page's ``lang``).
    title : str, default ''
        The page's title.

    Returns
    -------
    str
        The HTML page.
    """

    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    quiet = logging.getLogger("stats_lib.render.html")
    quiet.setLevel(logging.ERROR)  # no "alt text missing" chatter on a scheduled run
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"stats_lib_offline.html.j2": _OFFLINE_TEMPLATE})],
        template_file="stats_lib_offline.html.j2",
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True, language_code="zh" if lang == "zh" else "en", log=quiet,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title or _TITLES.get(lang, "")}})
    return _scrub_external(body, lang)


def _execution_error(exc: Exception, timeout: int) -> errors.StatsLibError:
    """The error to raise for a failed papermill run: the cell's own InputError (exit 2) or a RenderError."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        ename, evalue = str(exc.ename), str(exc.evalue)
        cls = getattr(errors, ename, None)
        if isinstance(cls, type) and issubclass(cls, errors.InputError):
            return cls(evalue)
        cell = f"cell {exc.exec_count}" if exc.exec_count else f"cell #{exc.cell_index}"
        first = next((ln.strip() for ln in str(exc.source or "").splitlines()
                      if ln.strip() and not ln.lstrip().startswith("#")), "")
        if first:
            cell += f" ({first[:77] + '...' if len(first) > 80 else first})"
        return RenderError(f"the notebook failed in {cell}: {ename}: {evalue}")
    if isinstance(exc, CellTimeoutError):
        return RenderError(f"a notebook cell ran longer than the timeout of {timeout} s; "
                           "raise --timeout if the data are large")
    if isinstance(exc, DeadKernelError):
        return RenderError("the notebook kernel died (out of memory or killed?)")
    first = (str(exc).strip().splitlines() or [""])[0]
    return RenderError(f"the notebook could not run: {type(exc).__name__}: {first}")


def _kernel_config():
    """traitlets config of the kernel manager: CurveZMQ-encrypted transport when pyzmq supports it."""
    import zmq
    from traitlets.config import Config

    cfg = Config()
    if zmq.has("curve"):
        cfg.KernelManager.transport_encryption = "auto"
    return cfg


def _run_notebook(notebook: Path, tmp: Path, params: dict, timeout: int, progress: bool) -> object:
    """Execute ``notebook`` with papermill into ``tmp/briefing.ipynb``; return the executed NotebookNode."""

    import papermill

    log = logging.getLogger("papermill")
    level = log.level
    if not progress:
        log.setLevel(logging.CRITICAL)  # failures are reported once, by the RenderError
    esc = str(tmp / "briefing.ipynb").replace("{", "{{").replace("}", "}}")  # papermill formats paths
    try:
        return papermill.execute_notebook(
            str(notebook).replace("{", "{{").replace("}", "}}"), esc,
            parameters={**params, "output_dir": str(tmp)},
            kernel_name=_kernel_name(), language="python",
            progress_bar=progress, log_output=False, request_save_on_cell_execute=False,
            execution_timeout=int(timeout), shutdown_kernel="immediate", cwd=str(notebook.parent),
            config=_kernel_config(),
        )
    except Exception as exc:  # papermill, nbclient and jupyter_client errors
        raise _execution_error(exc, timeout) from None
    finally:
        log.setLevel(level)


def _subtitle_lines(index: dict, params: dict, window, baseline) -> list[str]:
    """Lines of the title slide: the notebook's subtitle, one sentence a line; else period, baseline, as-of."""
    lines = [s.strip() for s in str(index.get("subtitle") or "").splitlines() if s.strip()]
    if len(lines) == 1:
        lines = [s for s in re.split(r"(?<=[。；;])\s*|(?<=\.)\s+", lines[0]) if s.strip()]
    if lines:
        return lines
    if params["lang"] == "en":
        return [f"Period: {window.label('en')}", f"Baseline: {baseline.mode}", f"Data as of {params['as_of']}"]
    return [f"统计时段：{window.label('zh')}", f"对比基线：{baseline.mode}", f"数据截至：{params['as_of']}"]


def _write_manifest(tmp: Path, target: Path, params: dict, window, baseline, inputs: list[dict],
                    notebook: Path, started: dt.datetime) -> None:
    outputs = [{"path": f.relative_to(tmp).as_posix(), "bytes": f.stat().st_size, "sha256": sha256_file(f)}
               for f in sorted(tmp.rglob("*")) if f.is_file()]
    manifest = {
        "report": target.name,
        "parameters": params,
        "window": window.as_dict(),
        "baseline": baseline.as_dict(),
        "inputs": inputs,
        "notebook": {"path": str(notebook), "sha256": sha256_file(notebook)},
        "versions": _versions(),
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "outputs": outputs,
    }
    manifest = redact_tree(manifest)  # paths and parameters a user typed; sha256 digests are kept as they are
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")


def render(params: Mapping[str, object], out: str | Path = "reports", timeout: int = 600, *,
           notebook: str | Path | None = None, progress: bool | None = None, lock_wait: float = 0.0,
           template: str | Path | None = None) -> Path:
    """Render the briefing for ``params`` into ``out/<slug>/`` atomically; return that folder.

    Parameters
    ----------
    params : mapping
        Notebook parameters (:data:`stats_lib.params.PARAMETERS`), validated before any kernel starts.
    out : str or Path
        Folder that receives the report folder (created when missing).
    timeout : int
        Limit in seconds for each notebook cell; a cell that runs longer ends the render.
    notebook : str or Path, optional
        The notebook to run (default: the briefing notebook). It must write its charts and tables
        with :class:`stats_lib.collect.Collector` into the injected ``output_dir``.
    progress : bool, optional
        Show papermill's progress bar; default: only when stderr is a terminal.
    lock_wait : float
        Seconds (0 to 86400) to wait for a running render of the same slug; 0 (default) refuses at once.
    template : str or Path, optional
        A bureau's ``.pptx`` whose masters and layouts the deck uses (checked before the kernel starts).

    Returns
    -------
    Path
        ``out/<slug>``: briefing.ipynb, .html, .pptx, charts/, tables/, outputs.json, tables.xlsx, manifest.json.

    Raises
    ------
    ParameterError, InputError
        Bad parameters (before the kernel starts) or bad input data (raised in a cell); exit code 2.
    LockError
        Another render of the same slug holds the lock; exit code 2.
    RenderError
        A notebook cell raised, the kernel died, a cell exceeded ``timeout``, or an export failed;
        exit code 1. In every failure the temporary folder is removed and an earlier report of the
        same slug is left untouched.
    """
    started = dt.datetime.now(dt.UTC)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise ParameterError(f"timeout: expected a whole number of seconds >= 1, got {timeout!r}")
    if isinstance(lock_wait, bool) or not isinstance(lock_wait, int | float) or not 0 <= lock_wait <= 86400:
        raise ParameterError(f"wait: expected seconds from 0 to 86400, got {lock_wait!r}")
    params = validate_params(params, check_window=False)
    if template is not None:
        check_template(template)
    plan = resolve_plan(params)
    window, baseline = plan.window, plan.baseline
    nb_path = Path(notebook).resolve() if notebook is not None else default_notebook()
    if not nb_path.is_file():
        raise ParameterError(f"notebook: no such file: {nb_path}")
    out_dir = Path(out).expanduser()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"out: cannot create the output folder {out}: {exc.strerror}") from None
    out_dir = out_dir.resolve()
    slug = report_slug(params, window, baseline)
    target = inside(out_dir, slug)
    lock_path = inside(out_dir, f".{slug}.lock")
    if progress is None:
        progress = sys.stderr.isatty()

    try:
        with stop_signals_raise(), ReportLock(lock_path, wait=lock_wait):
            sweep_leftovers(out_dir, slug)
            if os.path.lexists(target) and not is_report_folder(target):  # refuse before the work, too
                raise ParameterError(f"out: {target} exists and is not a report folder (no manifest.json of "
                                     "this tool); remove or rename it first")
            tmp = Path(tempfile.mkdtemp(prefix=f".{slug}.tmp-", dir=out_dir))
            try:
                tmp.chmod(0o755)  # mkdtemp makes it 0700; the report is read by others (a web server …)
                inputs = input_files(params)
                nb = _run_notebook(nb_path, tmp, params, timeout, progress)
                _export(tmp, nb, params, window, baseline, template)
                check_inputs_unchanged(params, inputs)
                _write_manifest(tmp, target, params, window, baseline, inputs, nb_path, started)
                kept = keep_analyst_files(target, tmp) if os.path.lexists(target) else []
                move_into_place(tmp, target)
                if kept:
                    print(f"briefing: kept {len(kept)} file(s) of the earlier report that briefing did not write "
                          f"as they are: {', '.join(kept[:5])}{' …' if len(kept) > 5 else ''}", file=sys.stderr)
            except errors.StatsLibError:
                raise
            except Exception as exc:  # an export or filesystem failure: report it in one line, exit 1
                raise RenderError(f"writing the report failed: {type(exc).__name__}: {exc}") from exc
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
    except Terminated as stop:
        raise RenderError(f"the render was stopped by {stop.name}; no report was written") from None
    return target


def _export(tmp: Path, nb, params: dict, window, baseline, template: str | Path | None = None) -> None:
    """Write briefing.html, briefing.pptx and tables.xlsx from the executed notebook and its outputs."""

    index_path = tmp / "outputs.json"
    if not index_path.is_file():
        raise RenderError("the notebook registered no outputs (outputs.json is missing): it must create a "
                          "stats_lib.collect.Collector with the injected output_dir")
    index = json.loads(index_path.read_text("utf-8"))
    lang = params["lang"]
    title = str(index.get("title") or _TITLES[lang])
    nb.metadata.setdefault("papermill", {})["output_path"] = "briefing.ipynb"
    for cell in nb.cells:  # papermill gives the injected cell a random id; keep the HTML reproducible
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
            # parameters are paths and names a user typed: a phone or ID number in them is not written
            cell["source"] = "\n".join(redact(line) for line in str(cell.get("source", "")).split("\n"))
    nb.metadata["papermill"] = redact_tree(dict(nb.metadata.get("papermill", {})))
    (tmp / "briefing.ipynb").write_text(_dumps_nb(nb), "utf-8")
    (tmp / "briefing.html").write_text(export_html(nb, lang=lang, title=title), "utf-8")
    exports.write_pptx(tmp, tmp / "briefing.pptx", title=title,
                       subtitle_lines=_subtitle_lines(index, params, window, baseline), lang=lang,
                       template=template)
    exports.write_xlsx(tmp, tmp / "tables.xlsx", lang)


def _dumps_nb(nb) -> str:
    import nbformat

    return nbformat.writes(nb)

