#pragma once
// Wording shared by the daily report's HTML, Markdown and JSON writers, so the three say the
// same thing in the same words.
#include <string>
#include <string_view>
#include <vector>

#include "report/daily.h"

namespace truceline::report::daily_format {

std::string html_escape(std::string_view s);
// A table cell of Markdown: pipes escaped, line breaks flattened.
std::string md_cell(std::string_view s);
// "+3", "-2", "0".
std::string signed_delta(long d);
// "1,234".
std::string thousands(long long v);
// Fixed decimals.
std::string fixed(double v, int decimals);

// "Daily report 102/2025".
std::string title(const DailyReport& r);
// "2025-04-12 00:00 to 2025-04-13 00:00 (UTC+03:00)".
std::string period(const DailyReport& r);
// "2025-04-13 00:00 (UTC+03:00)".
std::string cutoff(const DailyReport& r);
// The incident's place, or what is known of it.
std::string place(const IncidentRow& row);
// "fire-across-line (high); weapon-in-dmz (high)", or "" when it breaks no rule.
std::string violations(const monitor::Incident& inc);
// "06:42" or "06:42–06:45".
std::string time_span(const DailyReport& r, const monitor::Incident& inc);
// "3.2" km, or "" when unknown.
std::string distance_to_line(const IncidentRow& row);
// The marker colour for an incident's gravest broken rule ("" when none).
const char* severity_colour(const std::string& severity);
// What the report is made from, in one paragraph (plain text).
std::string method_note(const DailyReport& r);

// A section of the report as plain text cells, for the HTML and Markdown writers alike.
struct Section {
  std::string id, title;
  std::vector<std::string> head;
  std::vector<bool> numeric;  // per column: right-aligned
  std::vector<std::vector<std::string>> rows;
  std::string empty;          // what is said when there are no rows
};
// The sections the SMM's reports had besides ceasefire violations: restrictions of the monitors'
// freedom of movement, checks of weapons holding areas, casualties, damage to civilian objects.
std::vector<Section> other_sections(const DailyReport& r);

}  // namespace truceline::report::daily_format
