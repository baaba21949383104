// The transparency log's parsers of what a server, a witness or an auditor receives from others:
// signed notes, checkpoints, record entries, tile paths, entry bundles and witness requests. Each
// input is either read or refused with the parser's own exception; what is read writes back to
// the same bytes (one spelling per value), which is what keeps two parties from reading one entry
// or one tile two ways.
#include <cstdlib>

#include "fuzz_support.h"
#include "tlog/checkpoint.h"
#include "tlog/entry.h"
#include "tlog/note.h"
#include "tlog/tiles.h"
#include "tlog/witness.h"

using namespace truceline::tlog;

namespace {

void note(const std::string& s) {
  try {
    const Note n = parse_note(s);
    if (parse_note(note_text(n)).signatures.size() != n.signatures.size()) std::abort();
  } catch (const NoteError&) {
  }
}

void checkpoint(const std::string& s) {
  try {
    const Checkpoint c = parse_checkpoint(s);
    if (checkpoint_body(c) != s) std::abort();
  } catch (const std::invalid_argument&) {
  }
}

void entry_and_path(const std::string& s) {
  if (const auto e = parse_entry(s); e && encode_entry(*e) != s) std::abort();
  if (const auto t = parse_tile_path(s); t && tile_path(*t) != s) std::abort();
}

void bundle(const std::string& s) {
  try {
    if (entry_bundle(parse_entry_bundle(s)) != s) std::abort();
  } catch (const std::invalid_argument&) {
  }
}

void witness_request(const std::string& s) {
  try {
    parse_add_checkpoint(s);
  } catch (const std::invalid_argument&) {
  } catch (const NoteError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string s = truceline::fuzz::text(data, size);
  note(s);
  checkpoint(s);
  entry_and_path(s);
  bundle(s);
  witness_request(s);
  return 0;
}
