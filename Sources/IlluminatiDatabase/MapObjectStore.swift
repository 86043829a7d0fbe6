import IlluminatiCore

public enum MapObjectStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A type of that name exists but another step made it; `collect` leaves it alone.
    case typeOwnedByAnotherStep(type: String, owner: String)

    public var description: String {
        switch self {
        case .typeOwnedByAnotherStep(let type, let owner):
            "map object type \(type) belongs to \(owner); illuminati does not replace it"
        }
    }
}

/// Map object outlines in PostGIS. Only the types this step creates are ever replaced or
/// deleted (TissueMAPS deleted every map object of the experiment, §7 bug 3).
public struct MapObjectStore {
    /// The `created_by` of the Plates, Wells and Sites types.
    public static let owner = "illuminati"

    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    /// Replaces this step's outlines of the experiment in one transaction, so collecting
    /// twice leaves one set and a reader never sees a half-written one.
    public func replace(experimentID: Int64, outlines: [MapObjectOutline]) throws {
        try connection.transaction { db in
            for type in MapObjectType.allCases {
                let row = try db.run(Statements.named("MapObjectTypeUpsert"),
                                     [experimentID, type.rawValue, type.referenceType, Self.owner]).one()
                let owner = try row.string("created_by")
                guard owner == Self.owner else {
                    throw MapObjectStoreError.typeOwnedByAnotherStep(type: type.rawValue, owner: owner)
                }
                let typeID = try row.int64("id")
                try db.run(Statements.named("MapObjectsDeleteOfType"), [typeID])
                let objects = outlines.filter { $0.type == type }
                guard !objects.isEmpty else { continue }
                try db.run(Statements.named("MapObjectsInsert"), [
                    typeID, objects.map(\.name), objects.map(\.plate), objects.map(\.well),
                    objects.map(\.site?.y), objects.map(\.site?.x), objects.map(\.wkt),
                ])
            }
        }
    }

    /// Removes this step's types and their objects; returns how many types went.
    @discardableResult
    public func deleteOwned(experimentID: Int64) throws -> Int {
        try connection.run(Statements.named("MapObjectTypesDeleteCreatedBy"), [experimentID, Self.owner])
            .one().int("types")
    }

    /// Object count per type name (every type of the experiment, whoever made it).
    public func counts(experimentID: Int64) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.run(Statements.named("MapObjectCounts"), [experimentID]).rows {
            counts[try row.string("name")] = try row.int("objects")
        }
        return counts
    }

    /// GeoJSON FeatureCollection of the outlines of `type` intersecting the box, in map
    /// coordinates (x right, y = −row): the first `limit` by id, with `"truncated": true`
    /// when the box holds more.
    public func geoJSON(experimentID: Int64, type: String,
                        minX: Double, minY: Double, maxX: Double, maxY: Double, limit: Int = 10_000) throws -> String {
        try connection.run(Statements.named("MapObjectsInBox"), [experimentID, type, minX, minY, maxX, maxY, limit])
            .one().string("geojson")
    }
}
