#!/usr/bin/env python3
"""Re-creates proto/ from the descriptors compiled into the pip `tensorboard` package.

The tensorboard wheel ships only generated `*_pb2.py` modules, each of which embeds its
serialized FileDescriptorProto. This script prints those descriptors back as `.proto` text
(field numbers, types, labels, oneofs, maps, nested types, enums, packages and imports are
exact; comments are lost), trims proto3 `optional` (which protoc-c 1.4.1 rejects, see
docs/reference/tensorboard-format.md, "Protos") and writes them under proto/. Run it with a Python that has
`tensorboard` and `protobuf` installed (e.g. .venv-compat/bin/python). It was run once with
tensorboard 2.21.0; the committed proto/ files are its output. scripts/generate-protos.sh then
turns proto/ into protobuf-c code.
"""
import importlib
import os
import sys

from google.protobuf import descriptor_pb2

MODULES = [
    "tensorboard.compat.proto.event_pb2",
    "tensorboard.compat.proto.summary_pb2",
    "tensorboard.compat.proto.histogram_pb2",
    "tensorboard.compat.proto.tensor_pb2",
    "tensorboard.compat.proto.tensor_shape_pb2",
    "tensorboard.compat.proto.types_pb2",
    "tensorboard.compat.proto.resource_handle_pb2",
    "tensorboard.plugins.scalar.plugin_data_pb2",
    "tensorboard.plugins.histogram.plugin_data_pb2",
    "tensorboard.plugins.image.plugin_data_pb2",
    "tensorboard.plugins.audio.plugin_data_pb2",
    "tensorboard.plugins.text.plugin_data_pb2",
    "tensorboard.plugins.pr_curve.plugin_data_pb2",
    "tensorboard.plugins.hparams.plugin_data_pb2",
    "tensorboard.plugins.hparams.api_pb2",
    "tensorboard.plugins.custom_scalar.layout_pb2",
    "tensorboard.plugins.projector.projector_config_pb2",
    "tensorboard.plugins.mesh.plugin_data_pb2",
    "google.protobuf.struct_pb2",
]

TYPE_NAMES = {
    1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32",
    8: "bool", 9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64",
    17: "sint32", 18: "sint64",
}


def type_of(field, package):
    if field.type in (11, 14):  # message, enum
        name = field.type_name.lstrip(".")
        return "." + name
    return TYPE_NAMES[field.type]


def emit_enum(enum, indent):
    lines = [f"{indent}enum {enum.name} {{"]
    if enum.options.allow_alias:
        lines.append(f"{indent}  option allow_alias = true;")
    for value in enum.value:
        lines.append(f"{indent}  {value.name} = {value.number};")
    for r in enum.reserved_range:
        lines.append(f"{indent}  reserved {r.start}" + (f" to {r.end}" if r.end != r.start else "") + ";")
    lines.append(f"{indent}}}")
    return lines


def emit_message(message, package, indent):
    lines = [f"{indent}message {message.name} {{"]
    inner = indent + "  "
    map_entries = {n.name: n for n in message.nested_type if n.options.map_entry}
    for enum in message.enum_type:
        lines += emit_enum(enum, inner)
    for nested in message.nested_type:
        if not nested.options.map_entry:
            lines += emit_message(nested, package, inner)
    oneof_fields = {}
    for field in message.field:
        if field.HasField("oneof_index") and not field.proto3_optional:
            oneof_fields.setdefault(field.oneof_index, []).append(field)
    emitted_oneofs = set()
    for field in message.field:
        if field.HasField("oneof_index") and not field.proto3_optional:
            index = field.oneof_index
            if index in emitted_oneofs:
                continue
            emitted_oneofs.add(index)
            lines.append(f"{inner}oneof {message.oneof_decl[index].name} {{")
            for f in oneof_fields[index]:
                lines.append(f"{inner}  {type_of(f, package)} {f.name} = {f.number};")
            lines.append(f"{inner}}}")
            continue
        entry_name = field.type_name.split(".")[-1]
        if field.label == 3 and entry_name in map_entries and field.type == 11:
            entry = map_entries[entry_name]
            key, value = entry.field[0], entry.field[1]
            lines.append(f"{inner}map<{type_of(key, package)}, {type_of(value, package)}> {field.name} = {field.number};")
            continue
        label = "repeated " if field.label == 3 else ""
        options = []
        if field.options.HasField("packed"):
            options.append(f"packed = {'true' if field.options.packed else 'false'}")
        if field.options.deprecated:
            options.append("deprecated = true")
        suffix = f" [{', '.join(options)}]" if options else ""
        # proto3 `optional` is dropped: protoc-c 1.4.1 refuses it (docs/reference/tensorboard-format.md, "Protos"); only request
        # messages of the hparams HTTP API use it.
        lines.append(f"{inner}{label}{type_of(field, package)} {field.name} = {field.number}{suffix};")
    for r in message.reserved_range:
        lines.append(f"{inner}reserved {r.start}" + (f" to {r.end - 1}" if r.end - 1 != r.start else "") + ";")
    for name in message.reserved_name:
        lines.append(f'{inner}reserved "{name}";')
    lines.append(f"{indent}}}")
    return lines


def emit_file(proto):
    lines = [
        "// Generated by scripts/vendor-protos.py from the descriptor in the pip tensorboard",
        "// package (comments are not preserved); see that script for provenance.",
        f'syntax = "{proto.syntax or "proto2"}";',
        "",
    ]
    if proto.package:
        lines.append(f"package {proto.package};")
    for dep in proto.dependency:
        lines.append(f'import "{dep}";')
    lines.append("")
    for enum in proto.enum_type:
        lines += emit_enum(enum, "")
        lines.append("")
    for message in proto.message_type:
        lines += emit_message(message, proto.package, "")
        lines.append("")
    return "\n".join(lines)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "proto"
    seen = {}
    pending = [importlib.import_module(m).DESCRIPTOR for m in MODULES]
    while pending:
        descriptor = pending.pop()
        if descriptor.name in seen:
            continue
        seen[descriptor.name] = descriptor
        pending.extend(descriptor.dependencies)
    for name, descriptor in sorted(seen.items()):
        proto = descriptor_pb2.FileDescriptorProto()
        descriptor.CopyToProto(proto)
        path = os.path.join(out_dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(emit_file(proto))
        print(path)


if __name__ == "__main__":
    main()
