import { Module } from '@nestjs/common';
import { StorageModule } from '../../storage/storage.module';
import { PriceCacheStore } from './price-cache.store';
import { PriceDataService } from './price-data.service';
import { SeriesDatasetsService } from './series-datasets.service';
import { UploadedDatasetsService } from './uploaded-datasets.service';

/** Price histories (samples, CSV, Yahoo with its cache) and uploaded datasets: what training and serving both read. */
@Module({
  imports: [StorageModule],
  providers: [PriceCacheStore, PriceDataService, UploadedDatasetsService, SeriesDatasetsService],
  exports: [PriceCacheStore, PriceDataService, UploadedDatasetsService, SeriesDatasetsService],
})
export class PriceDataModule {}
