/// Reads CSV as RFC 4180 describes it (quoted fields, doubled quotes, CRLF or LF, a UTF-8
/// byte-order mark), the first row being the header. Column names are matched without
/// regard to case or surrounding spaces. Blank lines are skipped.
enum CSVReader {
    static func records(_ text: String) -> (records: [ManifestRecord], problems: [ManifestProblem]) {
        var (rows, quoteProblems) = rowsWithLines(text)
        guard !rows.isEmpty else {
            return ([], quoteProblems.isEmpty ? [ManifestProblem(line: 0, "the manifest is empty")] : quoteProblems)
        }
        // A dropped row before the first one read was the header: without it no column is known.
        if quoteProblems.contains(where: { $0.line < rows[0].0 }) { return ([], quoteProblems) }
        let (headerLine, header) = rows.removeFirst()
        let columns = header.map { $0.trimmed.lowercased() }
        var problems = quoteProblems
        var seen = Set<String>()
        for column in columns where !column.isEmpty {
            if !seen.insert(column).inserted { problems.append(ManifestProblem(line: headerLine, "column \(column) appears twice")) }
        }
        var records: [ManifestRecord] = []
        for (line, values) in rows {
            if values.count != columns.count {
                problems.append(ManifestProblem(line: line, "expected \(columns.count) fields as in the header, found \(values.count)"))
                continue
            }
            var fields: [String: String] = [:]
            for (column, value) in zip(columns, values) where !column.isEmpty {
                let trimmed = value.trimmed
                if !trimmed.isEmpty { fields[column] = trimmed }
            }
            records.append(ManifestRecord(line: line, fields: fields))
        }
        return (records, problems)
    }

    /// Splits into rows of raw fields, each with the line it starts on.
    ///
    /// A quoted field may span lines, so a quote that is never closed is only noticed at the
    /// end of the file. Its row is then reported on its own line and dropped, and reading
    /// resumes on the next line, so that the rows after it are read and checked as usual
    /// instead of vanishing into one giant field.
    private static func rowsWithLines(_ text: String) -> ([(Int, [String])], [ManifestProblem]) {
        var rows: [(Int, [String])] = []
        var problems: [ManifestProblem] = []
        var openQuote: (index: Int, line: Int)?
        var field = ""
        var row: [String] = []
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var rowHasContent = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        func endRow() {
            if rowHasContent || !row.isEmpty {
                row.append(field)
                rows.append((rowLine, row))
            }
            row = []
            field = ""
            rowHasContent = false
        }
        while true {
            if index == scalars.count {
                guard inQuotes, let quote = openQuote else { break }
                problems.append(ManifestProblem(line: rowLine, quote.line == rowLine
                    ? "unterminated quoted field: a \" on this line is never closed"
                    : "unterminated quoted field: the \" on line \(quote.line) is never closed"))
                inQuotes = false
                openQuote = nil
                row = []
                field = ""
                rowHasContent = false
                index = scalars[quote.index...].firstIndex { $0 == "\n" || $0 == "\r" } ?? scalars.count
                line = quote.line
                continue
            }
            let scalar = scalars[index]
            if inQuotes {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                inQuotes = true
                openQuote = (index, line)
                rowHasContent = true
            } else if scalar == "," {
                row.append(field)
                field = ""
                rowHasContent = true
            } else if scalar == "\n" || scalar == "\r" {
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                endRow()
                line += 1
                rowLine = line
            } else {
                field.unicodeScalars.append(scalar)
                if scalar != " " && scalar != "\t" { rowHasContent = true }
            }
            index += 1
        }
        if rowHasContent || !row.isEmpty { endRow() }
        return (rows, problems)
    }
}

extension String {
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
