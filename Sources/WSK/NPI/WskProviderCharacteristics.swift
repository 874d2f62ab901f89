/// WSK_PROVIDER_CHARACTERISTICS: the versions the provider supports, for a
/// client whose capture failed with STATUS_NOINTERFACE to pick another.
public struct WskProviderCharacteristics: Sendable, Equatable {
    /// HighestVersion.
    public var highestVersion: WskVersion
    /// LowestVersion.
    public var lowestVersion: WskVersion
}
