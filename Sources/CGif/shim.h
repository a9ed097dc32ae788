// System library shim for giflib (Debian: libgif-dev, pkg-config libgif).
#include <gif_lib.h>
