// Tests for PalisadeConsensus.
