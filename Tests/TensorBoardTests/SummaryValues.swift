import TensorBoard

/// Every summary value of an event file with its event's step, in file order.
func summaryValues(inFile path: String) throws -> [(Int64, SummaryValue)] {
    var result = [(Int64, SummaryValue)]()
    try EventFileReader(path: path).forEachEvent { event in
        if case .summary(let values) = event.content { for v in values { result.append((event.step, v)) } }
    }
    return result
}
