#pragma once
// The run's settings in its JSON, written and read by one table: each setting's name, how it
// is written from LoadOptions and how it is read back into them (by `merge`). The two sides
// cannot drift apart, as two hand-kept lists did (a merged JSON said "write":"form" for a JSON
// run and lost https:// and --insecure). Settings that are never read back (header names,
// field names: no values, they may be secrets) have no reader.
#include <boost/json/object.hpp>

#include "loadgen/config/load_options.hpp"

namespace sessdemo::loadgen {

// The settings of opts as the JSON writes them (without threads and connections_per_instance,
// which are the process's, not the run's).
boost::json::object settings_json(const LoadOptions& opts);

// LoadOptions back from a settings object. Throws std::runtime_error naming the field for a
// value that is missing, of the wrong type, or outside the range the command line allows.
LoadOptions options_from_json(const boost::json::object& settings);

}  // namespace sessdemo::loadgen
