// ORC LLJIT setup and the optimization pipeline (see jit/engine.h).
#include "jit/engine.h"

#include "jit/qgemm.h"

#include <cstdlib>
#include <mutex>

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/SmallVectorMemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Transforms/IPO/SCCP.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

namespace jitlite::jit {
namespace {

void InitializeLLVMOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

bool ComputesOnFloatVectors(const llvm::Loop& loop) {
  auto is_float_vector = [](const llvm::Type* t) { return t->isVectorTy() && t->isFPOrFPVectorTy(); };
  for (const llvm::BasicBlock* block : loop.blocks()) {
    for (const llvm::Instruction& inst : *block) {
      if (is_float_vector(inst.getType())) return true;
      for (const llvm::Value* operand : inst.operands()) {
        if (is_float_vector(operand->getType())) return true;
      }
    }
  }
  return false;
}

// Whether every innermost loop of the module (and at least one) already
// computes on float vectors: the float GEMM and depthwise microkernels,
// which the loop vectorizer and unroller cannot improve. A scalar innermost
// loop (a gather, an epilogue, an elementwise op) needs the full pipeline;
// so do the int8 vector kernels (measured: the full pipeline unrolls their
// tap loops, 15% faster depthwise).
bool IsFloatVectorModule(llvm::Module& module, llvm::FunctionAnalysisManager& fam) {
  bool any_loop = false;
  for (llvm::Function& f : module) {
    if (f.isDeclaration()) continue;
    for (const llvm::Loop* loop : fam.getResult<llvm::LoopAnalysis>(f).getLoopsInPreorder()) {
      if (!loop->isInnermost()) continue;
      if (!ComputesOnFloatVectors(*loop)) return false;
      any_loop = true;
    }
  }
  return any_loop;
}

// For code that is already in the form we want: SCCP (with its constant
// loop bounds folded, loop strength reduction in codegen takes a few ms a
// kernel instead of tens), registers for the allocas, then folding of the
// emitter's redundant address arithmetic, loads and branches. A tenth of the
// default pipeline's time on the microkernels, and as fast code.
llvm::ModulePassManager ShortPipeline() {
  llvm::FunctionPassManager fpm;
  fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  fpm.addPass(llvm::EarlyCSEPass());
  fpm.addPass(llvm::InstCombinePass());
  fpm.addPass(llvm::SimplifyCFGPass());
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::IPSCCPPass());
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
  return mpm;
}

}  // namespace

llvm::Expected<std::unique_ptr<JitEngine>> JitEngine::Create(const std::string& cpu) {
  InitializeLLVMOnce();
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return jtmb.takeError();
  if (!cpu.empty()) {
    // A chosen CPU brings its own feature set (e.g. x86-64-v3 = AVX2, no AVX-512).
    jtmb->setCPU(cpu);
    jtmb->getFeatures() = llvm::SubtargetFeatures();
  }
  jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);

  auto engine = std::unique_ptr<JitEngine>(new JitEngine());
  auto tm = jtmb->createTargetMachine();
  if (!tm) return tm.takeError();
  if (!cpu.empty() && !(*tm)->getMCSubtargetInfo()->isCPUStringValid(cpu)) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + cpu + "' is not a CPU that LLVM knows for " +
                                       jtmb->getTargetTriple().str());
  }
  engine->cpu_ = jtmb->getCPU();
  engine->features_ = jtmb->getFeatures().getString();
  // From the subtarget: a named CPU implies its features without listing them.
  engine->traits_.avx512f = (*tm)->getMCSubtargetInfo()->checkFeatures("+avx512f");
  engine->traits_.avx512dq = (*tm)->getMCSubtargetInfo()->checkFeatures("+avx512dq");
  engine->traits_.avx512_vnni = (*tm)->getMCSubtargetInfo()->checkFeatures("+avx512vnni");
  engine->traits_.avx512_vbmi = (*tm)->getMCSubtargetInfo()->checkFeatures("+avx512vbmi");
  engine->traits_.avx2 = (*tm)->getMCSubtargetInfo()->checkFeatures("+avx2");
  // Asked here, not at first emission: code from the object cache runs too.
  engine->traits_.amx_int8 =
      (*tm)->getMCSubtargetInfo()->checkFeatures("+amx-tile,+amx-int8") && AmxInt8Usable();
  engine->triple_ = jtmb->getTargetTriple();
  engine->data_layout_ = (*tm)->createDataLayout();
  engine->jtmb_ = std::make_unique<llvm::orc::JITTargetMachineBuilder>(*jtmb);

  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
  if (!jit) return jit.takeError();
  engine->jit_ = std::move(*jit);
  return engine;
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>> JitEngine::CreateTargetMachine() const {
  return jtmb_->createTargetMachine();
}

void JitEngine::Optimize(llvm::Module& module, int opt_level, llvm::TargetMachine& tm,
                         bool is_entry) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = opt_level >= 2;
  tuning.SLPVectorization = opt_level >= 2;
  llvm::PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = opt_level <= 0   ? llvm::OptimizationLevel::O0
                                  : opt_level == 1 ? llvm::OptimizationLevel::O1
                                  : opt_level == 2 ? llvm::OptimizationLevel::O2
                                                   : llvm::OptimizationLevel::O3;
  // The entry is calls and copies in sequence: nothing for the loop passes.
  bool short_pipeline = level != llvm::OptimizationLevel::O0 &&
                        (is_entry || IsFloatVectorModule(module, fam)) &&
                        std::getenv("JITLITE_FULL_PIPELINE") == nullptr;
  llvm::ModulePassManager mpm = level == llvm::OptimizationLevel::O0 ? pb.buildO0DefaultPipeline(level)
                                : short_pipeline ? ShortPipeline()
                                                 : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> JitEngine::EmitObject(llvm::Module& module,
                                                                          llvm::TargetMachine& tm,
                                                                          bool is_entry) {
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream out(object);
  llvm::legacy::PassManager codegen;
  const llvm::CodeGenOptLevel level = tm.getOptLevel();
  if (is_entry) tm.setOptLevel(llvm::CodeGenOptLevel::None);
  bool failed = tm.addPassesToEmitFile(codegen, out, nullptr, llvm::CodeGenFileType::ObjectFile);
  if (!failed) codegen.run(module);
  tm.setOptLevel(level);
  if (failed) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the target cannot emit object files");
  }
  return std::make_unique<llvm::SmallVectorMemoryBuffer>(std::move(object), module.getName(),
                                                         /*RequiresNullTerminator=*/false);
}

llvm::Expected<uint64_t> JitEngine::AddAndLookup(std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects,
                                                 const std::string& dylib_name,
                                                 const std::string& symbol) {
  auto jd = jit_->createJITDylib(dylib_name);
  if (!jd) return jd.takeError();
  // LLVM may turn loops into memset/memcpy calls: resolve them from the process.
  auto gen = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      data_layout_.getGlobalPrefix());
  if (!gen) return gen.takeError();
  jd->addGenerator(std::move(*gen));
  for (auto& object : objects) {
    if (auto err = jit_->addObjectFile(*jd, std::move(object))) return err;
  }
  auto addr = jit_->lookup(*jd, symbol);
  if (!addr) return addr.takeError();
  return addr->getValue();
}

}  // namespace jitlite::jit
