#include "CTensorBoardProto.h"
int CTensorBoardProto_placeholder(void) { return 0; }
