// Placeholder umbrella header; replaced by the generated protobuf-c headers.
int CTensorBoardProto_placeholder(void);
