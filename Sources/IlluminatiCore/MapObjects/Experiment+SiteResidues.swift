extension Experiment {
    /// Each site's alignment crop from its shifts over all cycles (§3.3); a site without
    /// recorded shifts is absent (its crop is `.none`).
    public var siteResidues: [SiteKey: SiteResidues] {
        Dictionary(grouping: shifts, by: \.site).mapValues { SiteResidues(shifts: $0.map(\.shift)) }
    }
}
