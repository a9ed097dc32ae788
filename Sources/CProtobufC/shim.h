// System library shim for libprotobuf-c (Debian: libprotobuf-c-dev, pkg-config libprotobuf-c).
#include <protobuf-c/protobuf-c.h>
