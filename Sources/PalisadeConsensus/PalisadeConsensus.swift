// PalisadeConsensus: Tendermint consensus (arXiv 1807.04938, Algorithm 1) as a pure value type.
// No I/O, no clock, no threads: time, randomness and the network arrive as inputs, effects leave as
// directives. See DESIGN.md §4 and spec/consensus-checklist.md.
