/// The validator process. Everything that touches the outside world is wired here.
public enum PalisadeNode {}
