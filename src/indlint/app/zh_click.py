"""click's own words (usage, help headings, usage errors) said in Chinese, as the rest of indlint.

click looks every user-facing string up through ``gettext`` names bound in its modules; indlint
binds those names to a lookup in the table below, so that ``--help`` and usage errors read as
one Chinese interface. A string not in the table is shown as click words it.
"""
from __future__ import annotations

import importlib

import click

ZH = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是以下之一：{choices}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "%(prog)s, version %(version)s": "%(prog)s %(version)s",
}

_MODULES = ("core", "exceptions", "types", "parser", "decorators", "formatting", "termui", "utils")


def gettext(message: str) -> str:
    """The Chinese for one of click's strings, or the string itself."""
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The Chinese for one of click's counted strings."""
    return gettext(singular if count == 1 else plural)


def install() -> None:
    """Bind click's lookups to the table (idempotent; affects only click's messages)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


class ZhCommand(click.Command):
    """A command whose usage line says [选项] instead of [OPTIONS]."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class ZhGroup(click.Group):
    """The indlint group: Chinese usage line, and a console that never fails on an encoding."""

    command_class = ZhCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):
        """Make the console safe first, so that even a usage error prints on a gbk console."""
        from indlint.app.console import safe_console

        safe_console()
        return super().main(*args, **kwargs)
