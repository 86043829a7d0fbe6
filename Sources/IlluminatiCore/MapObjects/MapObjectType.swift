/// The static map object types that `collect` creates: one outline per plate, well and site.
public enum MapObjectType: String, CaseIterable, Hashable, Sendable, Codable {
    case plates = "Plates"
    case wells = "Wells"
    case sites = "Sites"

    /// TissueMAPS' `ref_type`: the model class each object refers to.
    public var referenceType: String {
        switch self {
        case .plates: "Plate"
        case .wells: "Well"
        case .sites: "Site"
        }
    }
}
