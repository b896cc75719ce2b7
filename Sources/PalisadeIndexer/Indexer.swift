/// Transaction and block events, indexed in SQLite as blocks commit and searched with CometBFT's
/// query language (`tx.height > 5 AND transfer.sender = 'abc'`).
public enum Indexer {}
