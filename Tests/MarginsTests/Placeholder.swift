import Testing

// Placeholder so the test target builds before its first real suite lands; delete then.
@Suite struct MarginsTestsPlaceholder {}
