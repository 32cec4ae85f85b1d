#!/usr/bin/env python3
"""paretonas PyTorch trainer: the `command` evaluator's protocol paretonas-trainer/1.

Reads ONE request line on stdin ({"protocol", "key", "candidate", "graph", "onnx", "settings", "network"}),
rebuilds `network` (a paretonas Graph) as a torch module, checks its parameter count against the Graph's,
trains and tests it, and prints JSON lines on stdout: progress lines, then one result line. Logs and errors
go to stderr; a failure is one line "paretonas-torch: error: ..." and a non-zero exit without a result line.

  /usr/bin/python3 trainers/torch/train.py --dataset fashion-mnist --preset proxy-1epoch < request.json

The evaluator must run it with Debian's /usr/bin/python3 (the interpreter that has torch). See README.md.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

sys.dont_write_bytecode = True  # keep the checkout clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PREFIX = 'paretonas-torch: error:'
PROTOCOL = 'paretonas-trainer/1'


class RequestError(ValueError):
    pass


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def log(msg: str) -> None:
    sys.stderr.write(f'paretonas-torch: {msg}\n')
    sys.stderr.flush()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='PyTorch trainer behind the paretonas `command` evaluator (reads a request on stdin).')
    p.add_argument('--dataset', metavar='NAME|PATH',
                   help='fashion-mnist, cifar10, cifar100, or your own: a folder of class folders (ROOT/train + ROOT/test, '
                        'or one folder split here) or an .npz file (x_train, y_train[, x_test, y_test]); see own_data.py')
    p.add_argument('--data-dir', help='dataset folder (CIFAR: holds cifar-10-batches-py/ or cifar-100-python/; Fashion-MNIST: '
                                      'default /usr/share/datasets/fashion-mnist)')
    p.add_argument('--test-fraction', type=float,
                   help='own dataset without a test split: the share of each class held out for testing (default 0.2, '
                        'seeded by --data-seed)')
    p.add_argument('--describe', action='store_true',
                   help='no request, no training: print the dataset as one JSON line {classes, channels, height, width, '
                        'train, test, kind, split, notes} (train/test after --subset-train/--subset-test)')
    p.add_argument('--preset', default='proxy-1epoch', choices=['proxy-1epoch', 'paper-mini'])
    p.add_argument('--epochs', type=int)
    p.add_argument('--lr', type=float)
    p.add_argument('--batch-size', type=int)
    p.add_argument('--weight-decay', type=float)
    p.add_argument('--subset-train', type=int, help='train on N samples (class-stratified, seeded by --data-seed)')
    p.add_argument('--subset-test', type=int, help='test on N samples (class-stratified, seeded by --data-seed)')
    p.add_argument('--data-seed', type=int, default=0, help='seed of the subsets (default 0, independent of the model seed)')
    p.add_argument('--seed', type=int, help="model init and data order (default: the request's settings.seed, else 0)")
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--device', default='auto', choices=['auto', 'cpu', 'cuda'])
    p.add_argument('--init', default='torch', choices=['torch', 'onnx'],
                   help="torch: seeded standard init (default); onnx: start from the request's ONNX weights")
    p.add_argument('--resume', metavar='CKPT', help='start from the weights of a checkpoint of the same graph')
    p.add_argument('--augment', choices=['none', 'flip', 'autoaugment'], help='default: the preset\'s (autoaugment for paper-mini on CIFAR), else none')
    p.add_argument('--cache-mb', type=float, default=2048, help='largest resized split kept in memory as uint8 (default 2048 MB)')
    p.add_argument('--teacher', metavar='CKPT', help='distil from this checkpoint (saved by --save-checkpoint) after training')
    p.add_argument('--kd-epochs', type=int, help="KD epochs (default: the preset's epochs)")
    p.add_argument('--kd-temperature', type=float, default=10.0)
    p.add_argument('--kd-alpha', type=float, default=0.4)
    p.add_argument('--kd-alpha-final', type=float, default=0.8)
    p.add_argument('--kd-lr', type=float, help="KD learning rate, cosine to 0 (default: the preset's lr x 0.1)")
    p.add_argument('--save-checkpoint', metavar='PATH', help='save {graph, state_dict} after training (a teacher for --teacher)')
    p.add_argument('--progress-every', type=int, default=50, help='a progress line every N batches (0: per epoch only)')
    p.add_argument('--eval-every', type=int, default=1, help='test every N epochs (the last epoch always)')
    p.add_argument('--eval-batch-size', type=int, default=512)
    p.add_argument('--bn-recalibrate', type=int, default=2048, metavar='N',
                   help='before each test, recompute BN running statistics on N training images (exact averages; default '
                        '2048, 0: keep the running averages). Short runs need it: running averages lag the weights.')
    p.add_argument('--check-onnx', nargs=2, metavar=('INPUT.bin', 'OUTPUT.bin'),
                   help="no training: load the request's ONNX weights, run INPUT.bin (raw float32), write OUTPUT.bin")
    args = p.parse_args(argv)
    if not args.check_onnx and not args.dataset:
        p.error('--dataset is required (fashion-mnist, cifar10, cifar100, or the path of an image folder or .npz file)')
    return args


def read_request() -> dict:
    if sys.stdin is None or sys.stdin.isatty():
        raise RequestError('no request: pipe one paretonas-trainer/1 JSON line into stdin')
    line = sys.stdin.readline()
    if not line.strip():
        raise RequestError('no request: stdin was empty (expected one paretonas-trainer/1 JSON line)')
    try:
        request = json.loads(line)
    except json.JSONDecodeError as e:
        raise RequestError(f'the request is not JSON: {e}') from e
    if not isinstance(request, dict):
        raise RequestError('the request must be a JSON object')
    if 'protocol' in request and request['protocol'] != PROTOCOL:
        raise RequestError(f"protocol {request['protocol']!r} is not {PROTOCOL!r}")
    if not isinstance(request.get('network'), dict):
        raise RequestError('the request has no "network" (the Graph to train); the TS side must send it')
    return request


def finite(x: float) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def check_checkpoint_path(path: str) -> None:
    """--save-checkpoint PATH must be writable: checked before training so a bad path does not waste a run."""
    full = os.path.abspath(path)
    parent = os.path.dirname(full)
    if os.path.isdir(full):
        raise RequestError(f'--save-checkpoint {path}: is a directory (give a file path)')
    if not os.path.isdir(parent):
        what = 'is not a directory' if os.path.exists(parent) else 'does not exist'
        raise RequestError(f'--save-checkpoint {path}: the parent directory {parent} {what}')
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RequestError(f'--save-checkpoint {path}: the parent directory {parent} is not writable')
    if os.path.exists(full) and not os.access(full, os.W_OK):
        raise RequestError(f'--save-checkpoint {path}: the file exists and is not writable')


def load_teacher(path: str, classes: int, dataset: str, KD, GraphError):
    """Loads and checks the --teacher checkpoint (on the CPU) before training: (teacher module, checkpoint data)."""
    import torch
    if not os.path.exists(path):
        raise RequestError(f'--teacher {path}: no such file')
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        raise RequestError(f'--teacher {path}: not a readable file')
    try:
        teacher, tdata = KD.load_checkpoint(path, torch.device('cpu'))
    except GraphError as e:
        raise GraphError(f'--teacher {path}: {e}') from e
    t_out = teacher.shapes[teacher.output_indices[0]]
    if len(t_out) != 2 or t_out[-1] != classes:
        raise GraphError(f'--teacher {path}: the teacher has output shape {t_out}, the student has {classes} outputs')
    if len(teacher.input_shape) != 4:
        raise GraphError(f'--teacher {path}: the teacher input must be an image batch [N, C, H, W], got {teacher.input_shape}')
    if tdata.get('dataset') not in (None, dataset):
        raise RequestError(f"--teacher {path}: the teacher was trained on {tdata.get('dataset')}, not {dataset}")
    return teacher, tdata


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.time()
    if args.describe:
        from own_data import describe  # numpy and PIL only: no torch import
        emit(describe(args.dataset, args.test_fraction, args.data_seed, args.subset_train, args.subset_test))
        return 0
    request = read_request()

    import numpy as np
    import torch
    from graph_module import GraphError, GraphModule, graph_params, load_onnx_weights

    torch.set_num_threads(max(1, args.threads))
    graph = request['network']

    if args.check_onnx:
        from check_onnx import run_check
        if not request.get('onnx'):
            raise RequestError('the request has no "onnx" path')
        emit(run_check(graph, request['onnx'], args.check_onnx[0], args.check_onnx[1], args.threads))
        return 0

    import data as D
    import kd as KD
    from presets import lr_at, preset

    settings = request.get('settings') or {}
    seed = args.seed if args.seed is not None else int(settings.get('seed', 0) or 0)
    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    torch.manual_seed(seed)

    if args.device == 'cuda' and not torch.cuda.is_available():
        raise RequestError('--device cuda: torch sees no CUDA device')
    device = torch.device('cuda' if args.device == 'cuda' or (args.device == 'auto' and torch.cuda.is_available()) else 'cpu')

    # --- the network: built and checked before any data is read, so broken graphs fail fast
    module = GraphModule(graph)
    counted = graph_params(graph)
    torch_params = module.trainable_params()
    declared = (request.get('graph') or {}).get('params')
    if torch_params != counted:
        raise GraphError(f'parameter mismatch: the torch module has {torch_params} trainable parameters, the Graph counts {counted}')
    if declared is not None and declared != counted:
        raise GraphError(f'parameter mismatch: the request says graph.params = {declared}, the Graph and the torch module have {counted}')
    out_shape = module.shapes[module.output_indices[0]]
    if len(out_shape) != 2:
        raise GraphError(f'the graph output must be [N, classes] logits, got shape {out_shape}')
    classes = out_shape[1]
    in_shape = module.input_shape
    req_shape = (request.get('graph') or {}).get('inputShape')
    if req_shape is not None and list(req_shape)[1:] != in_shape[1:]:
        raise RequestError(f'graph.inputShape {req_shape} differs from the network input shape {in_shape}')
    if len(in_shape) != 4:
        raise GraphError(f'the network input must be an image batch [N, C, H, W], got {in_shape}')
    train_raw = test_raw = None
    if D.is_builtin(args.dataset):
        info = D.DATASETS[args.dataset]
    else:  # read now: its class count is only known from the data
        train_raw, test_raw, info = D.load_own_dataset(args.dataset, args.test_fraction, args.data_seed)
    if classes != info['classes']:
        raise RequestError(f"the network has {classes} outputs but {args.dataset} has {info['classes']} classes")

    p = preset(args.preset, args.epochs, args.lr, args.batch_size, args.weight_decay)
    if p.epochs < 0 or p.batch_size < 1 or not finite(p.lr) or p.lr < 0:
        raise RequestError(f'bad training settings: epochs {p.epochs}, batch size {p.batch_size}, lr {p.lr}')

    # --- checked before training, so a bad --save-checkpoint path or --teacher does not throw a finished run away
    if args.save_checkpoint:
        check_checkpoint_path(args.save_checkpoint)
    teacher = load_teacher(args.teacher, classes, args.dataset, KD, GraphError)[0] if args.teacher else None

    if args.resume:
        ckpt, _ = KD.load_checkpoint(args.resume, torch.device('cpu'))
        try:
            module.load_state_dict(ckpt.state_dict())
        except RuntimeError as e:
            raise GraphError(f'--resume {args.resume}: its weights do not fit this graph: {" ".join(str(e).split())[:300]}') from e
    elif args.init == 'onnx':
        if not request.get('onnx'):
            raise RequestError('--init onnx: the request has no "onnx" path')
        load_onnx_weights(module, request['onnx'])
    else:
        module.reset_parameters(seed)
    module.to(device)

    # --- data
    if train_raw is None:
        train_raw, test_raw = D.load_dataset(args.dataset, args.data_dir)
    train_ix = D.subset_indices(train_raw.labels, args.subset_train, args.data_seed, classes)
    test_ix = D.subset_indices(test_raw.labels, args.subset_test, args.data_seed + 1, classes)
    augment_kind = args.augment or (p.augment_cifar if args.dataset in ('cifar10', 'cifar100') else 'none')
    augment = D.make_augment(augment_kind, seed)
    train = D.Split(train_raw, train_ix, args.dataset, in_shape[1:], args.cache_mb, cache=augment is None, info=info)
    test = D.Split(test_raw, test_ix, args.dataset, in_shape[1:], args.cache_mb, info=info)
    if teacher is not None:
        try:
            D.Split(train_raw, train_ix[:0], args.dataset, teacher.input_shape[1:], args.cache_mb, cache=False, info=info)
        except D.DataError as e:
            raise D.DataError(f'--teacher {args.teacher}: {e}') from e
    del train_raw
    bns = [m for m in module.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    recal_order = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed + 5))[:max(0, args.bn_recalibrate)]
    emit({'type': 'progress', 'phase': 'setup', 'params': torch_params, 'graphParams': counted, 'inputShape': in_shape,
          'classes': classes, 'device': str(device), 'dataset': args.dataset, 'trainSamples': len(train), 'testSamples': len(test),
          **({'split': info['own'].split, 'notes': info['own'].notes} if 'own' in info else {}), 'preset': p.name, 'epochs': p.epochs, 'batchSize': p.batch_size, 'lr': p.lr, 'augment': augment_kind,
          'bnRecalibrate': len(recal_order) if bns else 0,
          'seconds': round(time.time() - started, 3)})
    log(f"key {request.get('key')!r}: {torch_params} params, input {in_shape}, {len(train)} train / {len(test)} test on {device}")


    def recalibrate(net) -> None:
        if not bns or len(recal_order) == 0:
            return
        momenta = [b.momentum for b in bns]
        for b in bns:
            b.reset_running_stats()
            b.momentum = None  # cumulative average over the recalibration batches
        net.train()
        with torch.no_grad():
            for x, _, _ in train.batches(p.batch_size, device, recal_order):
                net(x)
        for b, m in zip(bns, momenta):
            b.momentum = m

    def evaluate(net) -> dict:
        recalibrate(net)
        net.eval()
        correct = correct5 = 0
        loss_sum = 0.0
        with torch.no_grad():
            for x, y, _ in test.batches(args.eval_batch_size, device):
                z = net(x)
                loss_sum += float(torch.nn.functional.cross_entropy(z, y, reduction='sum'))
                top = z.topk(min(5, classes), dim=1).indices
                correct += int((top[:, 0] == y).sum())
                correct5 += int((top == y[:, None]).any(dim=1).sum())
        n = max(1, len(test))
        return {'accuracy': correct / n, 'accuracy_top5': correct5 / n, 'test_loss': loss_sum / n}

    def run_phase(phase: str, epochs: int, lr_fn, loss_fn, alphas=None) -> dict:
        """Trains `epochs` epochs; returns {'train_loss', 'diverged', 'eval'}."""
        decay, no_decay = [], []
        for name, prm in module.named_parameters():
            (no_decay if prm.ndim <= 1 else decay).append(prm)  # no weight decay on BN and biases
        opt = torch.optim.SGD([{'params': decay, 'weight_decay': p.weight_decay}, {'params': no_decay, 'weight_decay': 0.0}],
                              lr=p.lr, momentum=p.momentum, nesterov=p.nesterov)
        steps_per_epoch = max(1, D.num_batches(len(train), p.batch_size))  # a trailing batch of 1 is merged
        total = steps_per_epoch * epochs
        step = 0
        last_loss, diverged, result = float('nan'), False, None
        gen = torch.Generator().manual_seed(seed * 1000003 + (17 if phase == 'kd' else 0))
        for epoch in range(epochs):
            module.train()
            order = torch.randperm(len(train), generator=gen)
            loss_sum, seen, correct = 0.0, 0, 0
            alpha = alphas[epoch] if alphas else None
            for b, (x, y, ix) in enumerate(train.batches(p.batch_size, device, order, augment if phase == 'train' else None)):
                lr = lr_fn(step, total)
                for g in opt.param_groups:
                    g['lr'] = lr
                z = module(x)
                loss = loss_fn(z, y, ix, alpha)
                if not torch.isfinite(loss):
                    diverged = True
                    log(f'{phase}: the loss became {float(loss)} at epoch {epoch + 1} batch {b + 1}; training stopped')
                    break
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                step += 1
                loss_sum += float(loss) * len(y)
                seen += len(y)
                correct += int((z.argmax(1) == y).sum())
                if args.progress_every and (b + 1) % args.progress_every == 0:
                    emit({'type': 'progress', 'phase': phase, 'epoch': epoch + 1, 'epochs': epochs, 'batch': b + 1, 'of': steps_per_epoch,
                          'batches': steps_per_epoch, 'loss': loss_sum / seen, 'lr': lr, 'seconds': round(time.time() - started, 3)})
            last_loss = loss_sum / seen if seen else float('nan')
            line = {'type': 'progress', 'phase': phase, 'epoch': epoch + 1, 'of': epochs, 'epochs': epochs,
                    'loss': last_loss if finite(last_loss) else None, 'train_accuracy': correct / seen if seen else None,
                    'lr': lr_fn(max(0, step - 1), total)}
            if alpha is not None:
                line['alpha'] = alpha
            if diverged or epoch == epochs - 1 or (args.eval_every and (epoch + 1) % args.eval_every == 0):
                result = evaluate(module)
                line.update(accuracy=result['accuracy'], accuracy_top5=result['accuracy_top5'], test_loss=result['test_loss'])
            line['seconds'] = round(time.time() - started, 3)
            emit(line)
            if diverged:
                break
        if result is None:
            result = evaluate(module)
        return {'train_loss': last_loss, 'diverged': diverged, 'eval': result}

    ce = torch.nn.functional.cross_entropy
    t0 = time.time()
    trained = run_phase('train', p.epochs, lambda s, n: lr_at(p, s, n), lambda z, y, ix, a: ce(z, y))
    train_seconds = time.time() - t0
    metrics = {'accuracy': trained['eval']['accuracy'], 'test_loss': trained['eval']['test_loss'],
               'epochs': p.epochs, 'train_seconds': round(train_seconds, 3)}
    if classes >= 5:
        metrics['accuracy_top5'] = trained['eval']['accuracy_top5']
    if finite(trained['train_loss']):
        metrics['train_loss'] = trained['train_loss']
    diverged = trained['diverged']

    if teacher is not None and not diverged:
        teacher.to(device)  # loaded and checked on the CPU before training
        teacher.eval()
        t_split = D.Split(D.RawSplit(train.images, train.labels), torch.arange(len(train)), args.dataset,
                          teacher.input_shape[1:], args.cache_mb, cache=False, info=info)
        logits = torch.empty(len(train), classes, device=device)
        with torch.no_grad():
            for x, _, ix in t_split.batches(args.eval_batch_size, device):
                logits[ix.to(device)] = teacher(x).float()
        del t_split, teacher
        t_acc = float((logits.argmax(1) == train.labels.to(device)).float().mean())
        kd_epochs = args.kd_epochs if args.kd_epochs is not None else p.epochs
        kd_lr = args.kd_lr if args.kd_lr is not None else p.lr * 0.1
        alphas = KD.alpha_schedule(args.kd_alpha, args.kd_alpha_final, kd_epochs)
        emit({'type': 'progress', 'phase': 'kd-setup', 'teacher': args.teacher, 'teacher_train_accuracy': t_acc, 'kd_epochs': kd_epochs,
              'temperature': args.kd_temperature, 'alphas': alphas, 'lr': kd_lr, 'seconds': round(time.time() - started, 3)})

        def kd_fn(z, y, ix, alpha):
            return KD.kd_loss(z, logits[ix.to(device)], y, args.kd_temperature, alpha)[0]

        t1 = time.time()
        distilled = run_phase('kd', kd_epochs, lambda s, n: kd_lr * 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, n)))), kd_fn, alphas)
        metrics.update(accuracy_before_kd=metrics['accuracy'], accuracy_after_kd=distilled['eval']['accuracy'],
                       accuracy=distilled['eval']['accuracy'], test_loss=distilled['eval']['test_loss'], kd_epochs=kd_epochs,
                       kd_seconds=round(time.time() - t1, 3), teacher_train_accuracy=t_acc)
        if classes >= 5:
            metrics['accuracy_top5_before_kd'] = metrics.get('accuracy_top5', 0.0)
            metrics['accuracy_top5'] = distilled['eval']['accuracy_top5']
        if finite(distilled['train_loss']):
            metrics['kd_train_loss'] = distilled['train_loss']
        diverged = distilled['diverged']
    elif teacher is not None:
        log('training diverged; the KD phase was skipped')

    if diverged:
        metrics['diverged'] = 1
    if args.save_checkpoint:
        try:  # the path was checked before training; a late failure must not lose the result
            KD.save_checkpoint(args.save_checkpoint, module, {'dataset': args.dataset, 'metrics': metrics, 'key': request.get('key')})
        except Exception as e:  # noqa: BLE001
            log(f'warning: --save-checkpoint {args.save_checkpoint}: not saved: {type(e).__name__}: {" ".join(str(e).split())}')
    metrics = {k: float(v) for k, v in metrics.items() if finite(v)}
    emit({'type': 'result', 'metrics': metrics, 'epochs': p.epochs + int(metrics.get('kd_epochs', 0)),
          'seconds': round(time.time() - started, 3)})
    return 0


def run() -> int:
    try:
        return main()
    except SystemExit:
        raise
    except (RequestError, ValueError, OSError) as e:  # GraphError and DataError included
        print(f'{PREFIX} {" ".join(str(e).split())}', file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        print(f'{PREFIX} interrupted', file=sys.stderr, flush=True)
        return 130
    except Exception as e:  # noqa: BLE001
        if os.environ.get('PARETONAS_TORCH_DEBUG'):
            import traceback
            traceback.print_exc()
        print(f'{PREFIX} {type(e).__name__}: {" ".join(str(e).split())}', file=sys.stderr, flush=True)
        return 1


if __name__ == '__main__':
    sys.exit(run())
