// libFuzzer on any bytes as a MATLAB level-5 file, read as the devkit's meta.mat is: the reader,
// then the devkit's synsets taken from it. Seeds: the tests' meta.mat fixtures (written by SciPy,
// compressed and not). Built and run by Scripts/fuzz.sh.
import AlexNetData
import FuzzDriver

fuzz { data, size in
    let input = bytes(data, size)
    _ = try? MATFile.read(input, path: "meta.mat")
    _ = try? ImageNetDevkit.parse(meta: input, groundTruth: ("ILSVRC2012_validation_ground_truth.txt", Array("1\n2\n".utf8)), path: "devkit")
    return 0
}
