"""The Starlette application: the page, the rules page, jobs with progress and downloads, and POST /api/check."""
from __future__ import annotations

import asyncio
import contextlib
import threading
from functools import lru_cache
from importlib.resources import files
from urllib.parse import quote

from indlint.app.serve.guard import Guard, error, wants_json
from indlint.app.serve.settings import Settings
from indlint.app.serve.store import Job, JobStore
from indlint.app.serve.upload import ACCEPTED, UploadError, receive
from indlint.app.serve.work import Checker

_ASSETS = files("indlint.app.serve") / "assets"
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
BUSY = "服务器正忙：保存的检查结果太多。请稍后再试。"


def create_app(settings: Settings, checker: Checker | None = None, store: JobStore | None = None):
    """The whole application behind its Guard; ``app.state`` holds the store and checker."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    checker = checker or Checker()
    store = store or JobStore(settings.keep_seconds)
    site = _Site(settings, checker, store)
    routes = [Route("/", site.index), Route("/rules", site.rules),
              Route("/static/{name}", site.static),
              Route("/jobs", site.start_job, methods=["POST"]),
              Route("/jobs/{job_id}", site.job_status),
              Route("/jobs/{job_id}/report", site.report),
              Route("/jobs/{job_id}/download/{key}", site.download),
              Route("/api/check", site.api_check, methods=["POST"])]
    app = Starlette(routes=routes, lifespan=site.lifespan,
                    exception_handlers={404: site.not_found, 405: site.not_allowed,
                                        Exception: site.internal})
    app.state.store, app.state.checker = store, checker
    guarded = Guard(app, settings)
    guarded.state = app.state
    return guarded


class _Site:
    """The route handlers, sharing one store and one checker."""

    def __init__(self, settings: Settings, checker: Checker, store: JobStore):
        self.settings, self.checker, self.store = settings, checker, store

    @contextlib.asynccontextmanager
    async def lifespan(self, app):
        async def sweep():
            while True:
                await asyncio.sleep(min(30.0, self.settings.keep_seconds / 2))
                self.store.sweep()
        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()
            self.store.close()

    # ---- pages -------------------------------------------------------------------------
    async def index(self, request):
        from indlint.judge.rules import load_profile

        profiles = [(name, load_profile(name).summary) for name in self.checker.profiles()]
        mib = self.settings.max_file_bytes / (1024 * 1024)
        return _html(render("index.html.j2", profiles=profiles, default=self.checker.config.profile,
                            accepted=ACCEPTED, accept=",".join(f".{s}" for s in ACCEPTED.split("、")),
                            max_mb=f"{mib:g}", max_files=self.settings.max_files,
                            max_bytes=self.settings.max_file_bytes,
                            keep_minutes=f"{self.settings.keep_seconds / 60:g}"))

    async def rules(self, request):
        from indlint.judge.rules import load_categories
        from indlint.output.docs import example_text

        linter = self.checker.linter()
        categories = {k: c.zh for k, c in load_categories().items()}
        rules = sorted(linter.all_rules, key=lambda r: r.id)
        active = {r.id for r in linter.rules}
        return _html(render("rules.html.j2", rules=rules, categories=categories, active=active,
                            example=example_text, profile=self.checker.config.profile,
                            severity_zh={"error": "错误", "warning": "警告", "info": "提示"}))

    async def static(self, request):
        from starlette.responses import Response

        name = request.path_params["name"]
        if name not in STATIC:
            return await self.not_found(request, None)
        return Response(asset(name), media_type=STATIC[name])

    # ---- jobs --------------------------------------------------------------------------
    async def start_job(self, request):
        from starlette.responses import JSONResponse

        job, refusal = await self._receive(request)
        if refusal is not None:
            return refusal
        job.state = "queued"
        threading.Thread(target=self.checker.run, args=(job,), daemon=True,
                         name=f"indlint-job-{job.id[:6]}").start()
        return JSONResponse(job.status(), status_code=202)

    async def job_status(self, request):
        from starlette.responses import JSONResponse

        job = self.store.get(request.path_params["job_id"])
        if job is None:
            return self._expired(request)
        return JSONResponse(job.status())

    async def report(self, request):
        from starlette.responses import FileResponse

        from indlint.output.html_report import content_security_policy

        download = self._download(request, "report")
        if download is None:
            return self._expired(request)
        # The report's own CSP, as `indlint report` writes it; this page may frame it.
        return FileResponse(download.path, media_type=download.media_type, headers={
            "content-security-policy": content_security_policy() + "; frame-ancestors 'self'",
            "x-frame-options": "SAMEORIGIN"})

    async def download(self, request):
        from starlette.responses import FileResponse

        download = self._download(request, request.path_params["key"])
        if download is None:
            return self._expired(request)
        return FileResponse(download.path, media_type=download.media_type,
                            headers={"content-disposition": disposition(download)})

    async def api_check(self, request):
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response

        job, refusal = await self._receive(request)
        if refusal is not None:
            return refusal
        try:
            text = await run_in_threadpool(self.checker.findings_json, job)
        finally:
            self.store.discard(job)
        return Response(text, media_type="application/json")

    async def _receive(self, request) -> tuple[Job | None, object]:
        """A new job holding the request's files, or the response refusing them."""
        job = self.store.create()
        if job is None:
            return None, error(503, BUSY, request.scope)
        try:
            got = await receive(request, job, self.settings)
            profile = got.fields.get("profile") or request.query_params.get("profile") \
                or self.checker.config.profile
            if profile not in self.checker.profiles():
                raise UploadError(400, f"未知的规则预设：{profile}（可用：{'、'.join(self.checker.profiles())}）")
            if not job.uploads:
                skipped = f"（已跳过：{'、'.join(got.skipped)}）" if got.skipped else ""
                raise UploadError(400, f"没有收到可以检查的文件{skipped}。可检查的文件类型：{ACCEPTED}。")
        except UploadError as err:
            self.store.discard(job)
            return None, error(err.status, err.message, request.scope)
        except BaseException:
            self.store.discard(job)
            raise
        job.profile = profile
        return job, None

    def _download(self, request, key: str):
        job = self.store.get(request.path_params["job_id"])
        if job is None or job.state != "done":
            return None
        return job.downloads.get(key)

    # ---- errors ------------------------------------------------------------------------
    def _expired(self, request):
        minutes = f"{self.settings.keep_seconds / 60:g}"
        return error(404, f"找不到这次检查的结果：结果只保留 {minutes} 分钟，过期后已删除。请重新上传文件检查。",
                     request.scope)

    async def not_found(self, request, exc):
        return error(404, "找不到这个页面。", request.scope)

    async def not_allowed(self, request, exc):
        return error(405, "不支持这种请求方式。", request.scope)

    async def internal(self, request, exc):
        from indlint.app.serve.guard import INTERNAL

        return error(500, INTERNAL, request.scope)


def disposition(download) -> str:
    """An attachment header: an ASCII fallback name and the Chinese name in RFC 5987 form."""
    fallback = f"indlint-{download.key}{download.path[download.path.rfind('.'):]}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(download.filename, safe='')}"


@lru_cache(maxsize=None)
def asset(name: str) -> bytes:
    """A shipped file of assets/ (the page's script and stylesheet)."""
    return (_ASSETS / name).read_bytes()


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("indlint.app.serve", "assets"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def render(template: str, **values) -> str:
    """One of indlint's own pages (autoescaped: rule texts and names never become markup)."""
    return _environment().get_template(template).render(**values)


def _html(text: str):
    from starlette.responses import HTMLResponse

    return HTMLResponse(text)


__all__ = ["create_app", "disposition", "render", "wants_json"]
