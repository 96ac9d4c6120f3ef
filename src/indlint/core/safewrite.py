"""One careful writer for every file indlint writes: a temporary file beside the target, fsync, replace.

The target is refused when it is a folder, a dangling or unexpected symbolic link, a file with
several hard links, a read-only file, the same file (device and inode) as one of the inputs,
or a file that changed since it was read. A character device or a pipe (``/dev/null``,
``/dev/stdout``, a shell's ``>(…)``) is written directly, never replaced. A regular file is
replaced atomically and keeps its mode, and its owner and group where that can be done; when
the owner cannot be kept the write is refused rather than handing the file to the runner.
Every failure removes the temporary file and raises OutputError with one Chinese line.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
from dataclasses import dataclass
from typing import Iterable

from indlint.core.safeio import shown, utf8


class OutputError(OSError):
    """A write refused or failed; the message is one Chinese line naming the file."""

    def __init__(self, path, reason: str):
        super().__init__(f"{shown(path)}：{reason}")
        self.reason = reason

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Expected:
    """What the target held when it was read: a write is refused when it no longer does."""

    data: bytes


def write_file(path, data: bytes | str, *, inputs: Iterable = (), follow_links: bool = True,
               expected: Expected | None = None) -> None:
    """Write data to path safely (see the module docstring); raise OutputError.

    ``inputs`` are the files the run read: the target may be none of them. A symbolic link is
    followed to its target (the link stays) when ``follow_links``; otherwise it is refused.
    """
    payload = utf8(data) if isinstance(data, str) else data
    name = os.fspath(path)
    target = _resolve(name, follow_links)
    info = _lstat(target)
    _refuse_inputs(name, info, inputs)
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            return _write_stream(name, target, payload)
        raise OutputError(name, "不是普通文件（目录或特殊文件），未写入")
    if info is not None:
        _check_replaceable(name, target, info)
    if expected is not None:
        _check_unchanged(name, target, expected)
    _replace(name, target, payload, info)


def _resolve(name: str, follow: bool) -> str:
    try:
        info = os.lstat(name)
    except FileNotFoundError:
        return name
    except OSError as err:
        raise OutputError(name, f"无法访问：{err.strerror}") from None
    if not stat.S_ISLNK(info.st_mode):
        return name
    if not follow:
        raise OutputError(name, "是符号链接，出于安全不经链接写入")
    real = os.path.realpath(name)
    if not os.path.exists(real):
        raise OutputError(name, "是指向不存在文件的符号链接，未写入")
    return real


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise OutputError(path, f"无法访问：{err.strerror}") from None


def _refuse_inputs(name: str, info, inputs: Iterable) -> None:
    if info is None:
        return
    for source in inputs:
        try:
            other = os.stat(source)
        except (OSError, ValueError):
            continue
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            raise OutputError(name, f"与输入文件 {shown(source)} 是同一个文件（含硬链接），不会覆盖输入")


def _check_replaceable(name: str, target: str, info: os.stat_result) -> None:
    if info.st_nlink > 1:
        raise OutputError(name, f"有 {info.st_nlink} 个硬链接，替换会拆开它们，未写入")
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise OutputError(name, "是只读文件，未写入")


def _check_unchanged(name: str, target: str, expected: Expected) -> None:
    from indlint.core.safeio import InputError, read_bytes

    try:
        now = read_bytes(target, "form")
    except InputError:
        now = None
    if now != expected.data:
        raise OutputError(name, "读取后已被修改（可能有其他程序在编辑），未写入；请重新运行")


def _write_stream(name: str, target: str, payload: bytes) -> None:
    """Write a device or pipe directly (never replace it); a pipe without a reader is refused."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        reason = "是没有读取方的管道，未写入" if err.errno == errno.ENXIO else f"无法打开：{err.strerror}"
        raise OutputError(name, reason) from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    except OSError as err:
        raise OutputError(name, _write_reason(err)) from None
    finally:
        os.close(fd)


def _replace(name: str, target: str, payload: bytes, info: os.stat_result | None) -> None:
    import tempfile     # only when a file is written: a pre-commit run prints to the terminal

    folder = os.path.dirname(os.path.abspath(target))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".indlint-", suffix=".tmp")
    except OSError as err:
        raise OutputError(name, _write_reason(err)) from None
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            _keep_attributes(name, fd, info)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OutputError):
            raise
        if isinstance(err, OSError):
            raise OutputError(name, _write_reason(err)) from None
        raise
    _sync_folder(folder)


def _keep_attributes(name: str, fd: int, info: os.stat_result | None) -> None:
    if info is None:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    if hasattr(os, "fchown"):
        mine = os.fstat(fd)
        if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
            try:
                os.fchown(fd, info.st_uid, info.st_gid)
            except OSError:
                raise OutputError(name, "属于其他用户或用户组，替换会改变属主，未写入") from None
    os.fchmod(fd, stat.S_IMODE(info.st_mode))


def _sync_folder(folder: str) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_reason(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "磁盘空间不足，未写入（原文件未改动）"
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限（文件夹只读或无权限），未写入"
    if err.errno == errno.ENOENT:
        return "所在文件夹不存在，未写入"
    return f"无法写入：{err.strerror or type(err).__name__}"
