"""The ``serve`` command: check the optional extra and the safety settings, then listen (imports stay light)."""
from __future__ import annotations

import importlib.util
import os
import sys

import click

from indlint.app.serve.settings import (DEFAULT_KEEP_MINUTES, DEFAULT_MAX_FILES, DEFAULT_MAX_MB,
                                        DEFAULT_PORT, INSTALL_HINT, Settings, SettingsError,
                                        display_url, token_from_env, validate)

EXIT_USAGE = 2
NEEDED = ("starlette", "uvicorn", "python_multipart")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听地址；默认只允许本机访问，其他地址须同时设置 --token")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, metavar="端口",
              help="端口（0 表示任选一个空闲端口）")
@click.option("--token", default=None, metavar="令牌",
              help="访问令牌（至少 16 个字符，也可用环境变量 INDLINT_TOKEN）")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="主机名",
              help="另外允许的主机名（经反向代理或局域网机器名访问时），可重复")
@click.option("--open", "open_browser", is_flag=True, help="启动后在浏览器中打开页面")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="文件",
              help="配置文件（默认不读取任何配置文件，使用 default 规则预设）")
@click.option("--max-upload-mb", type=click.IntRange(1, 1024), default=DEFAULT_MAX_MB,
              show_default=True, metavar="MiB", help="每个文件的大小上限（MiB）")
@click.option("--max-files", type=click.IntRange(1, 1000), default=DEFAULT_MAX_FILES,
              show_default=True, metavar="个数", help="一次上传的文件数上限")
@click.option("--keep-minutes", type=click.IntRange(1, 1440), default=DEFAULT_KEEP_MINUTES,
              show_default=True, metavar="分钟", help="检查结果保留的分钟数，过期即删除")
def serve(host, port, token, allow_hosts, open_browser, config_path, max_upload_mb, max_files,
          keep_minutes) -> None:
    """启动本机网页：在浏览器中上传表格、查看审核报告、下载结果（需要 indlint[serve]）。"""
    if any(importlib.util.find_spec(name) is None for name in NEEDED):
        click.echo(INSTALL_HINT, err=True)
        sys.exit(EXIT_USAGE)
    try:
        settings = validate(Settings(host, port, token_from_env(token), max_upload_mb * 1024 * 1024,
                                     max_files, keep_minutes * 60.0, config_path, allow_hosts))
    except SettingsError as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(EXIT_USAGE)
    _run(settings, open_browser)


def _run(settings: Settings, open_browser: bool) -> None:
    from dataclasses import replace

    from indlint.app.configs import make_linter
    from indlint.app.serve.server import BindError, bind, make_server
    from indlint.app.serve.web import create_app
    from indlint.app.serve.work import Checker

    os.environ["INDLINT_NO_CACHE"] = "1"    # the server keeps no cache: nothing written elsewhere
    # A server lives long and frees what each request leaves in cycles: Python's own collector
    # thresholds, not the quiet ones of a one-shot run (core/collector.py).
    from indlint.core import collector

    collector.default()
    config = _config(settings.config_path)
    checker = Checker(config)
    checker.keep(config.profile, make_linter(config, None, (), ()))    # checks --config's rules
    try:
        sock = bind(settings.host, settings.port)
    except BindError as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(EXIT_USAGE)
    settings = replace(settings, port=sock.getsockname()[1])
    url = display_url(settings, settings.port)
    server = make_server(create_app(settings, checker), sock)
    click.echo(f"indlint 网页已启动：{url}", err=True)
    if settings.token:
        click.echo("地址中含访问令牌，打开一次后浏览器会记住它；请勿转发这个地址。", err=True)
    click.echo(f"检查结果保留 {settings.keep_seconds / 60:g} 分钟，停止服务时全部删除。按 Ctrl+C 停止。",
               err=True)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    server.run(sockets=[sock])


def _config(config_path: str | None):
    """No configuration file unless --config names one (the server does not look for one)."""
    from pathlib import Path

    from indlint.core.config import Config, ConfigError, load_config

    if not config_path:
        return Config()
    try:
        if not Path(config_path).is_file():
            raise ConfigError(f"配置文件不存在：{config_path}")
        return load_config(Path(config_path))
    except (ConfigError, OSError) as err:
        raise click.UsageError(str(err)) from None
