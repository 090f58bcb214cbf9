#pragma once
// A journey's JSON body, written in YAML (a mapping, lists, scalars), as the JSON text a request
// carries: plain scalars that read as numbers, true, false or null stay so; every other scalar
// is a string, its {references} filled when the request is built.
#include <yaml-cpp/yaml.h>

#include <string>

namespace sessdemo::loadgen {

std::string yaml_to_json(const YAML::Node& n);

}  // namespace sessdemo::loadgen
