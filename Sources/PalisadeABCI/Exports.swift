// An app author imports PalisadeABCI alone (ARCHITECTURE §3: one small module to depend on); the value
// types its messages carry (`Bytes`, `Address`, `Timestamp`, `ValidatorUpdate`, `ConsensusParams`)
// come from these two modules, so they are re-exported.
@_exported import PalisadeCrypto
@_exported import PalisadeTypes
