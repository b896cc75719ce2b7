import PalisadeABCI

/// What the proposer takes for a block.
///
/// Bytes are counted as the transactions' size inside the block's protobuf `Data` message
/// (CometBFT's `ComputeProtoSizeForTxs`): each transaction costs its length plus one tag byte
/// (field 1, length-delimited) plus the varint of its length. That is what the block size limit
/// `MaxDataBytes` bounds, so a reap by raw bytes could overfill a block.
extension Mempool {
    /// The bytes `tx` adds to a block's `Data` message.
    public static func protoSize(of tx: Bytes) -> Int64 {
        var length = UInt64(tx.count)
        var varintBytes: Int64 = 1
        while length >= 0x80 {
            length >>= 7
            varintBytes += 1
        }
        return 1 + varintBytes + Int64(tx.count)
    }

    /// Transactions oldest first, stopping at the first one that would take the encoded size
    /// past `maxBytes` or the total `gasWanted` past `maxGas` (CometBFT's `ReapMaxBytesMaxGas`);
    /// −1 (any negative value) means no limit. Stopping, not skipping, keeps FIFO order fair:
    /// a later small transaction does not overtake an earlier large one. Nothing is removed.
    public func reap(maxBytes: Int64, maxGas: Int64) -> [Bytes] {
        var out: [Bytes] = []
        var totalBytes: Int64 = 0
        var totalGas: Int64 = 0
        var cursor = txs.first
        while let key = cursor, let entry = txs[key] {
            let (newBytes, bytesOverflow) = totalBytes.addingReportingOverflow(Self.protoSize(of: entry.tx))
            if maxBytes >= 0 && (bytesOverflow || newBytes > maxBytes) { break }
            // The app chooses gasWanted; a negative one would make room for others, so it counts as 0.
            let (newGas, gasOverflow) = totalGas.addingReportingOverflow(max(0, entry.gasWanted))
            if maxGas >= 0 && (gasOverflow || newGas > maxGas) { break }
            totalBytes = bytesOverflow ? .max : newBytes
            totalGas = gasOverflow ? .max : newGas
            out.append(entry.tx)
            cursor = txs.next(after: key)
        }
        return out
    }

    /// The oldest `maxTxs` transactions; a negative `maxTxs` means all. Nothing is removed.
    public func reap(maxTxs: Int) -> [Bytes] {
        let limit = maxTxs < 0 ? txs.count : min(maxTxs, txs.count)
        var out: [Bytes] = []
        out.reserveCapacity(limit)
        var cursor = txs.first
        while out.count < limit, let key = cursor, let entry = txs[key] {
            out.append(entry.tx)
            cursor = txs.next(after: key)
        }
        return out
    }
}
