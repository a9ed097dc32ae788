// The types that SummaryWriter's public methods take but that live in lower modules, re-exported so
// that `import TensorBoard` alone is enough to use every method: `CustomScalarLayout` and the
// `ScalarLogger` protocol (module ScalarLogging, which the losses log through without depending on
// TensorBoard), and `RecordWriterOptions` and `RecordError` (module EventRecords, the record layer).
// Scoped imports re-export only these declarations, not the rest of the two modules.

@_exported public import struct ScalarLogging.CustomScalarLayout
@_exported public import protocol ScalarLogging.ScalarLogger
@_exported public import struct EventRecords.RecordWriterOptions
@_exported public import enum EventRecords.RecordError
