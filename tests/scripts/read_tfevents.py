#!/usr/bin/env python3
"""Reads a TensorBoard events file with Google's protobuf library, apart from
unbert's own reader: checks every record's masked CRC-32C and prints one line
per event: "version V", "start STEP" (SessionLog START) or "STEP TAG VALUE".

Usage: read_tfevents.py FILE   (exit 1: a bad record; 3: no python3-protobuf)
"""
import struct
import sys

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError:
    print("error: no python3-protobuf (scripts/setup.sh installs it)", file=sys.stderr)
    sys.exit(3)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def event_class():
    """tensorflow.Event with the fields TensorBoard's scalars need, as
    tensorflow/core/util/event.proto and framework/summary.proto number them."""
    F = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(name="event.proto", package="tensorflow",
                                               syntax="proto3")
    summary = proto.message_type.add(name="Summary")
    value = summary.nested_type.add(name="Value")
    value.field.add(name="tag", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    value.field.add(name="simple_value", number=2, type=F.TYPE_FLOAT, label=F.LABEL_OPTIONAL)
    summary.field.add(name="value", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
                      type_name=".tensorflow.Summary.Value")
    log = proto.message_type.add(name="SessionLog")
    log.field.add(name="status", number=1, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
    event = proto.message_type.add(name="Event")
    event.field.add(name="wall_time", number=1, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
    event.field.add(name="step", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    event.field.add(name="file_version", number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    event.field.add(name="summary", number=5, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                    type_name=".tensorflow.Summary")
    event.field.add(name="session_log", number=7, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                    type_name=".tensorflow.SessionLog")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    descriptor = pool.FindMessageTypeByName("tensorflow.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def main(path):
    Event = event_class()
    data = open(path, "rb").read()
    pos = 0
    while pos < len(data):
        if len(data) - pos < 12:
            sys.exit("%s: record at byte %d cut short" % (path, pos))
        length, length_crc = struct.unpack_from("<QI", data, pos)
        if masked(crc32c(data[pos:pos + 8])) != length_crc:
            sys.exit("%s: length at byte %d fails its checksum" % (path, pos))
        body = data[pos + 12:pos + 12 + length]
        if len(body) != length or len(data) < pos + 16 + length:
            sys.exit("%s: record at byte %d cut short" % (path, pos))
        (body_crc,) = struct.unpack_from("<I", data, pos + 12 + length)
        if masked(crc32c(body)) != body_crc:
            sys.exit("%s: record at byte %d fails its checksum" % (path, pos))
        event = Event()
        event.ParseFromString(body)
        if event.file_version:
            print("version %s" % event.file_version)
        elif event.HasField("session_log"):
            print("start %d" % event.step if event.session_log.status == 1 else "log %d" % event.step)
        for value in event.summary.value:
            print("%d %s %.9g" % (event.step, value.tag, value.simple_value))
        pos += 16 + length


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
