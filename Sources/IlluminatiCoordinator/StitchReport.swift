import IlluminatiCore

/// What `experiment create` and `pyramid` say about the site grids they read from stage
/// positions: one line per distinct grid and layout, and a warning when the wells disagree
/// (TissueMAPS' metaconfig took one layout for all wells).
public struct StitchReport: Sendable, Equatable {
    /// What each well's stage positions gave.
    public var wells: [WellStitch]
    public var lines: [String]
    /// Set when not every well has the same grid and layout.
    public var disagreement: String?

    public init(_ wells: [WellStitch]) {
        self.wells = wells
        struct Kind: Hashable { var dimensions: GridDimensions; var layout: StitchLayout? }
        var order: [Kind] = []
        var wellsOf: [Kind: [WellStitch]] = [:]
        for well in wells {
            let kind = Kind(dimensions: well.dimensions, layout: well.layout)
            if wellsOf[kind] == nil { order.append(kind) }
            wellsOf[kind, default: []].append(well)
        }
        func describe(_ kind: Kind) -> String {
            "\(kind.dimensions) sites, " + (kind.layout?.rawValue ?? "an order none of the four layouts gives")
        }
        func named(_ wells: [WellStitch]) -> String {
            let names = wells.prefix(6).map { "\($0.plate) \($0.well)" }
            return names.joined(separator: ", ") + (wells.count > 6 ? ", … \(wells.count - 6) more" : "")
        }
        func count(_ n: Int) -> String { n == 1 ? "1 well" : "\(n) wells" }
        if order.count == 1, let only = order.first {
            lines = ["stitch from stage positions: \(describe(only)) in every well (\(count(wells.count)))"]
            disagreement = nil
        } else {
            lines = order.map { "stitch from stage positions: \(describe($0)) in \(count(wellsOf[$0]!.count)): \(named(wellsOf[$0]!))" }
            disagreement = order.isEmpty ? nil
                : "the wells' stage positions give \(order.count) different stitch grids or layouts: "
                  + order.map { "\(describe($0)) in \(count(wellsOf[$0]!.count))" }.joined(separator: "; ")
        }
    }
}
