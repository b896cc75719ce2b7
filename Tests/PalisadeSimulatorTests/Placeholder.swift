// Tests for PalisadeSimulator.
