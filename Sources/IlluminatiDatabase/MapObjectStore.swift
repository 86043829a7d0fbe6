import IlluminatiCore
import IlluminatiPostgres

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

    /// Loads PostGIS into the connection's server process ahead of `replace` (see the
    /// statement); returns its version.
    @discardableResult
    public func loadPostGIS() throws -> String {
        try connection.postGISLoad().version
    }

    /// Replaces this step's outlines of the experiment in one transaction, so collecting
    /// twice leaves one set and a reader never sees a half-written one.
    public func replace(experimentID: Int64, outlines: [MapObjectOutline]) throws {
        try connection.transaction { db in
            for type in MapObjectType.allCases {
                let row = try db.mapObjectTypeUpsert(experimentID: experimentID, name: type.rawValue,
                                                     refType: type.referenceType, createdBy: Self.owner)
                guard row.createdBy == Self.owner else {
                    throw MapObjectStoreError.typeOwnedByAnotherStep(type: type.rawValue, owner: row.createdBy)
                }
                try db.mapObjectsDeleteOfType(typeID: row.id)
                let objects = outlines.filter { $0.type == type }
                guard !objects.isEmpty else { continue }
                try db.mapObjectsInsert(
                    typeID: row.id, names: objects.map(\.name), plates: objects.map(\.plate), wells: objects.map(\.well),
                    siteYs: objects.map(\.site?.y), siteXs: objects.map(\.site?.x), outlines: objects.map(\.wkt))
            }
        }
    }

    /// Removes this step's types and their objects; returns how many types went.
    @discardableResult
    public func deleteOwned(experimentID: Int64) throws -> Int {
        try connection.mapObjectTypesDeleteCreatedBy(experimentID: experimentID, createdBy: Self.owner).types
    }

    /// Object count per type name (every type of the experiment, whoever made it).
    public func counts(experimentID: Int64) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.mapObjectCounts(experimentID: experimentID) {
            counts[row.name] = row.objects
        }
        return counts
    }

    /// GeoJSON FeatureCollection of the outlines of `type` intersecting the box, in map
    /// coordinates (x right, y = −row): the first `limit` by id, with `"truncated": true`
    /// when the box holds more.
    public func geoJSON(experimentID: Int64, type: String,
                        minX: Double, minY: Double, maxX: Double, maxY: Double, limit: Int = 10_000) throws -> String {
        try connection.mapObjectsInBox(experimentID: experimentID, type: type, minX: minX, minY: minY, maxX: maxX,
                                       maxY: maxY, limit: limit).geojson
    }
}
