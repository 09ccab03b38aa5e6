package news;

/** One news item as the journal has recorded it. */
public record Item(long id, String title, String body, String created) {}
