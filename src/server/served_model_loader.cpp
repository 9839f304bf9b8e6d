#include "server/served_model_loader.h"

#include "engine/model/model.h"

namespace llm::server {

Result<std::shared_ptr<const ServedModel>> LoadServedModel(const ModelFile& file, LoadMode mode) {
  LLM_ASSIGN_OR_RETURN(std::shared_ptr<const engine::Model> model, engine::Model::Load(file.path, mode));
  auto served = std::make_shared<ServedModel>();
  const engine::ModelInfo& info = model->info();
  served->name = file.name;
  served->path = file.path;
  served->size_bytes = info.file_size != 0 ? info.file_size : file.size_bytes;
  served->description.architecture = info.architecture;
  served->description.parameters = info.parameter_count;
  served->description.tensor_type = info.file_type;
  served->description.context_length = info.context_length;
  served->description.head_size = info.head_dim;
  served->description.sliding_window = info.sliding_window;
  if (!info.chat_template.empty()) {
    Result<engine::ChatTemplate> tmpl = engine::ChatTemplate::FromSource(info.chat_template, info.bos_text, info.eos_text);
    if (tmpl.ok()) {
      served->chat_template = std::move(tmpl).value();
    } else {
      served->chat_template_note = "template not usable, using ChatML: " + tmpl.status().message();
    }
  } else {
    served->chat_template_note = "no chat template in the file, using ChatML";
  }
  served->model = std::move(model);
  return std::shared_ptr<const ServedModel>(std::move(served));
}

}  // namespace llm::server
