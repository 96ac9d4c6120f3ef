"""Read a multipart upload as it streams in, straight into a job's private folder, within the limits."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from indlint.app.select import FORM_SUFFIXES
from indlint.app.serve.settings import Settings
from indlint.app.serve.store import Job, Upload, client_name, suffix_of

#: Bytes a plain form field (the profile) may hold.
MAX_FIELD_BYTES = 1024
MAX_FIELDS = 8
ACCEPTED = "、".join(s.lstrip(".") for s in FORM_SUFFIXES)


class UploadError(Exception):
    """An upload refused: the HTTP status and a Chinese message for the person."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def too_large(settings: Settings) -> UploadError:
    mib = settings.max_file_bytes / (1024 * 1024)
    return UploadError(413, f"文件太大：每个文件不能超过 {mib:g} MiB。请拆分后再上传。")


def too_many(settings: Settings) -> UploadError:
    return UploadError(413, f"文件太多：一次最多上传 {settings.max_files} 个文件。请分批上传。")


@dataclass
class Received:
    """What an upload held besides the files: plain fields and the files not taken."""

    fields: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


async def receive(request, job: Job, settings: Settings) -> Received:
    """Stream the request body into job's folder; raise UploadError on anything amiss."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError(415, "请以 multipart/form-data 方式上传文件（字段名 files）。")
    declared = request.headers.get("content-length", "")
    ceiling = settings.max_files * (settings.max_file_bytes + 64 * 1024) + 1024 * 1024
    if declared.isdigit() and int(declared) > ceiling:
        mib = settings.max_file_bytes / (1024 * 1024)
        raise UploadError(413, f"上传内容太大：每个文件不能超过 {mib:g} MiB，一次最多 "
                               f"{settings.max_files} 个文件。请分批上传。")
    sink = _Sink(job, settings, parse_options_header)
    parser = MultipartParser(boundary, sink.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise UploadError(400, "上传的数据不完整或格式有误，请重新选择文件上传。") from None
    finally:
        sink.close()
    if not sink.ended:
        raise UploadError(400, "上传的数据不完整，请重新上传。")
    return sink.received


class _Sink:
    """The parser's callbacks: one part at a time, file data written as it arrives."""

    def __init__(self, job: Job, settings: Settings, parse_header):
        self.job, self.settings, self.parse_header = job, settings, parse_header
        self.received = Received()
        self.headers: dict[bytes, bytes] = {}
        self.name = b""
        self.value = b""
        self.field: str | None = None
        self.buffer = bytearray()
        self.handle = None
        self.upload: Upload | None = None
        self.parts = 0
        self.ended = False

    def callbacks(self) -> dict:
        return {"on_part_begin": self.begin, "on_header_field": self.header_field,
                "on_header_value": self.header_value, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_done, "on_part_data": self.data,
                "on_part_end": self.part_end, "on_end": self.end}

    def begin(self) -> None:
        self.headers, self.name, self.value = {}, b"", b""
        self.field, self.upload, self.buffer = None, None, bytearray()
        self.parts += 1
        if self.parts > self.settings.max_files + MAX_FIELDS:
            raise too_many(self.settings)

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.name.lower()] = self.value
        self.name, self.value = b"", b""

    def headers_done(self) -> None:
        _, params = self.parse_header(self.headers.get(b"content-disposition", b""))
        raw_name = params.get(b"filename")
        if raw_name is None:
            self.field = params.get(b"name", b"").decode("utf-8", "replace")
            return
        if not raw_name:                # a file input left empty
            return
        name = client_name(raw_name.decode("utf-8", "replace"))
        if len(self.job.uploads) + len(self.received.skipped) >= self.settings.max_files:
            raise too_many(self.settings)
        suffix = suffix_of(name, FORM_SUFFIXES)
        if not suffix:
            self.received.skipped.append(name)
            return
        self.upload = Upload(name, self.job.new_path(suffix))
        fd = os.open(self.upload.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.handle = os.fdopen(fd, "wb")
        self.job.uploads.append(self.upload)

    def data(self, data: bytes, start: int, end: int) -> None:
        if self.upload is not None:
            self.upload.size += end - start
            if self.upload.size > self.settings.max_file_bytes:
                raise too_large(self.settings)
            self.handle.write(data[start:end])
        elif self.field is not None:
            self.buffer += data[start:end]
            if len(self.buffer) > MAX_FIELD_BYTES:
                raise UploadError(400, "表单字段过长。")

    def part_end(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        if self.field is not None:
            if len(self.received.fields) >= MAX_FIELDS:
                raise UploadError(400, "表单字段过多。")
            self.received.fields[self.field] = self.buffer.decode("utf-8", "replace")

    def end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
