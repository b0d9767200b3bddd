-- Schema version 8: where in the text a document's date was read. published_on_source stays text / filename /
-- sidecar; published_on_basis says which statement of the text gave it, strongest first: epaper_path (the
-- page's address or asset path), labelled (发布日期, 公开日期 ...), metadata_line (a source or date line),
-- dateline (a report's ——2024年2月27日在…会议上), filename, running_text (a full date in the article's
-- first sentence: the event's day, a weaker basis used only when the page states nothing else). NULL: no date.
alter table dim_document add column published_on_basis varchar;
